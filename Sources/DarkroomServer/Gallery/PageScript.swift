import Foundation

/// The gallery's one script, on every page and allowed by its hash (`HTML.contentSecurityPolicy`);
/// pages work without it. It shows times in the viewer's own zone (the UTC value stays in the
/// tooltip), storyboard previews: the WebVTT cues (`sprite.jpg#xywh=x,y,w,h`) shown as the
/// storyboard slider moves, and copy buttons for hashes (hidden where the page may not write
/// to the clipboard: a plain-HTTP page from another machine).
enum PageScript {
    static let source = """
        document.querySelectorAll("time[datetime]").forEach(function (time) {
          var date = new Date(time.dateTime);
          if (!isNaN(date)) time.textContent = date.toLocaleString(undefined, {dateStyle: "medium", timeStyle: "short"});
        });
        document.querySelectorAll("section.video").forEach(function (section) {
          var video = section.querySelector("video"), track = section.querySelector("track"),
              scrub = section.querySelector(".scrub"), preview = section.querySelector(".preview");
          if (!video || !track || !scrub) return;
          track.track.mode = "hidden";
          scrub.addEventListener("input", function () {
            if (!video.duration) return;
            var time = video.duration * scrub.value / 1000, cues = track.track.cues || [];
            for (var i = 0; i < cues.length; i++) {
              if (cues[i].startTime <= time && time < cues[i].endTime) {
                var xywh = cues[i].text.split("#xywh=")[1].split(",");
                preview.style.display = "block";
                preview.style.width = xywh[2] + "px"; preview.style.height = xywh[3] + "px";
                preview.style.backgroundImage = "url(" + track.dataset.sprite + ")";
                preview.style.backgroundPosition = "-" + xywh[0] + "px -" + xywh[1] + "px";
              }
            }
          });
          scrub.addEventListener("change", function () { video.currentTime = video.duration * scrub.value / 1000; });
        });
        document.querySelectorAll("button.copy").forEach(function (button) {
          if (!navigator.clipboard) { button.hidden = true; return; }
          button.addEventListener("click", function () {
            navigator.clipboard.writeText(button.dataset.copy).then(function () { button.textContent = "Copied"; });
          });
        });
        """
}
