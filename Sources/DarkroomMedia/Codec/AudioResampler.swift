import CFFmpeg

/// Turns decoded audio into the frames an audio encoder takes: converted (sample format,
/// rate, channel layout) by libswresample, then cut into blocks of the encoder's frame size
/// through an `AVAudioFifo`. The one owner of both, and it numbers the blocks' timestamps
/// from the first input frame's, in samples.
final class AudioResampler {
    private var resampler: OpaquePointer?
    private let fifo: OpaquePointer
    private let encoder: UnsafeMutablePointer<AVCodecContext>
    private let sourceTimeBase: AVRational
    private var nextTimestamp: Int64?
    private var flushed = false

    init(encoder: UnsafeMutablePointer<AVCodecContext>, sourceTimeBase: AVRational) {
        self.encoder = encoder
        self.sourceTimeBase = sourceTimeBase
        guard let fifo = av_audio_fifo_alloc(encoder.pointee.sample_fmt, encoder.pointee.ch_layout.nb_channels, 1) else {
            fatalError("out of memory allocating an audio FIFO")
        }
        self.fifo = fifo
    }

    deinit {
        swr_free(&resampler)
        av_audio_fifo_free(fifo)
    }

    /// Adds a decoded frame; false when libswresample cannot convert its format.
    func push(_ frame: Frame) -> Bool {
        if resampler == nil {
            var layout = frame.pointer.pointee.ch_layout
            if layout.order == AV_CHANNEL_ORDER_UNSPEC {
                av_channel_layout_default(&layout, layout.nb_channels)
            }
            guard swr_alloc_set_opts2(
                &resampler, &encoder.pointee.ch_layout, encoder.pointee.sample_fmt, encoder.pointee.sample_rate,
                &layout, AVSampleFormat(rawValue: frame.pointer.pointee.format), frame.pointer.pointee.sample_rate,
                0, nil) >= 0, swr_init(resampler) >= 0
            else { return false }
            let start = frame.pointer.pointee.best_effort_timestamp != darkroom_AV_NOPTS_VALUE
                ? frame.pointer.pointee.best_effort_timestamp : 0
            nextTimestamp = av_rescale_q(start, sourceTimeBase, AVRational(num: 1, den: encoder.pointee.sample_rate))
        }
        return convert(frame)
    }

    /// The next block of the encoder's frame size; with `draining`, also the shorter last one
    /// (after the resampler's own buffer has been flushed into the FIFO).
    func pull(draining: Bool) -> Frame? {
        if draining, resampler != nil, !flushed {
            flushed = true
            _ = convert(nil)
        }
        let available = Int(av_audio_fifo_size(fifo))
        let size = Int(encoder.pointee.frame_size > 0 ? encoder.pointee.frame_size : 1024)
        guard available >= size || (draining && available > 0) else { return nil }
        let count = min(size, available)
        let block = Frame()
        block.pointer.pointee.nb_samples = Int32(count)
        block.pointer.pointee.format = encoder.pointee.sample_fmt.rawValue
        block.pointer.pointee.sample_rate = encoder.pointee.sample_rate
        av_channel_layout_copy(&block.pointer.pointee.ch_layout, &encoder.pointee.ch_layout)
        guard av_frame_get_buffer(block.pointer, 0) >= 0 else { fatalError("out of memory allocating audio") }
        let read = block.pointer.pointee.extended_data.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: 8) {
            av_audio_fifo_read(fifo, $0, Int32(count))
        }
        block.pointer.pointee.nb_samples = read
        block.pointer.pointee.pts = nextTimestamp ?? 0
        // The start came from the file's own timestamp: near Int64's end it must not trap.
        let (next, overflow) = (nextTimestamp ?? 0).addingReportingOverflow(Int64(read))
        nextTimestamp = overflow ? .max : next
        return block
    }

    private func convert(_ input: Frame?) -> Bool {
        let converted = Frame()
        converted.pointer.pointee.format = encoder.pointee.sample_fmt.rawValue
        converted.pointer.pointee.sample_rate = encoder.pointee.sample_rate
        av_channel_layout_copy(&converted.pointer.pointee.ch_layout, &encoder.pointee.ch_layout)
        guard swr_convert_frame(resampler, converted.pointer, input?.pointer) >= 0 else { return false }
        guard converted.pointer.pointee.nb_samples > 0 else { return true }
        let written = converted.pointer.pointee.extended_data.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: 8) {
            av_audio_fifo_write(fifo, $0, converted.pointer.pointee.nb_samples)
        }
        return written >= 0
    }
}
