package io.hybridge.vision;

import java.util.function.Supplier;

import org.opencv.core.Mat;

/** A file source that starts again from the beginning when it ends (VISION_LOOP=true). */
final class LoopingSource implements FrameSource {

    private final Supplier<FrameSource> opener;
    private FrameSource current;
    private int passes = 1;

    LoopingSource(Supplier<FrameSource> opener) {
        this.opener = opener;
        this.current = opener.get();
    }

    @Override
    public boolean read(Mat frame) {
        if (current.read(frame)) {
            return true;
        }
        current.close();
        current = opener.get();
        passes++;
        // a file that yields nothing even from its start would loop for ever
        return current.read(frame);
    }

    /** How many times the file has been started (1 during the first pass). */
    int passes() {
        return passes;
    }

    @Override
    public double positionMillis() {
        return current.positionMillis();
    }

    @Override
    public double framesPerSecond() {
        return current.framesPerSecond();
    }

    @Override
    public boolean live() {
        return false;
    }

    @Override
    public String description() {
        return current.description();
    }

    @Override
    public void close() {
        current.close();
    }
}
