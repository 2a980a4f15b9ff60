#ifndef DARKROOM_CFFMPEG_SHIM_H
#define DARKROOM_CFFMPEG_SHIM_H

// What Swift cannot import from FFmpeg's headers as they are: function-like macros, macros of
// macros, compound literals and arrays inside structs. Everything here is `static inline` or
// `static const`, so the module holds no mutable state.

#include <errno.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include <libswresample/swresample.h>

static const int64_t darkroom_AV_NOPTS_VALUE = AV_NOPTS_VALUE;
static const AVRational darkroom_AV_TIME_BASE_Q = {1, AV_TIME_BASE};

static const int darkroom_AVERROR_EOF = AVERROR_EOF;
static const int darkroom_AVERROR_INVALIDDATA = AVERROR_INVALIDDATA;
static const int darkroom_AVERROR_DEMUXER_NOT_FOUND = AVERROR_DEMUXER_NOT_FOUND;
static const int darkroom_AVERROR_EAGAIN = AVERROR(EAGAIN);
static const int darkroom_AVERROR_ENOMEM = AVERROR(ENOMEM);
static const int darkroom_AV_ERROR_MAX_STRING_SIZE = AV_ERROR_MAX_STRING_SIZE;

/// AVERROR(e) for any errno value.
static inline int darkroom_averror(int posix_error) { return AVERROR(posix_error); }

/// av_err2str without the compound literal: writes into `buffer` and returns it.
static inline const char *darkroom_av_err2str(int errnum, char *buffer, size_t size) {
    return av_make_error_string(buffer, size, errnum);
}

/// The display matrix's rotation in degrees, counterclockwise as av_display_rotation_get gives it;
/// NaN when the stream has no display matrix.
static inline double darkroom_stream_rotation(const AVStream *stream) {
    size_t size = 0;
    const uint8_t *matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (!matrix || size < 9 * sizeof(int32_t)) return __builtin_nan("");
    return av_display_rotation_get((const int32_t *)matrix);
}

/// AVFrame.data / linesize are 8-element tuples in Swift; index them here.
static inline uint8_t *darkroom_frame_data(const AVFrame *frame, int plane) { return frame->data[plane]; }
static inline int darkroom_frame_linesize(const AVFrame *frame, int plane) { return frame->linesize[plane]; }

#endif
