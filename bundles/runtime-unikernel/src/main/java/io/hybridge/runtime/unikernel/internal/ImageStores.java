package io.hybridge.runtime.unikernel.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

import io.hybridge.runtime.unikernel.internal.image.ImageStore;
import io.hybridge.runtime.unikernel.internal.image.OciImageStore;
import io.hybridge.runtime.unikernel.internal.image.RegistryAccount;

/** The one place the runtime gets its {@link ImageStore}: the OCI image store over the cache directory. */
final class ImageStores {

    private ImageStores() {
    }

    /**
     * @param cacheDir        {@code <state dir>/images}
     * @param defaultRegistry hub for references without a registry host; empty: cache and archive only
     * @param accounts        the configured hub account for a {@code host[:port]}, looked up at each pull
     */
    static ImageStore create(Path cacheDir, String defaultRegistry, Function<String, Optional<RegistryAccount>> accounts) {
        try {
            return new OciImageStore(cacheDir, defaultRegistry, accounts);
        } catch (IOException e) {
            throw new UncheckedIOException("the unikernel image cache " + cacheDir + " cannot be created: " + e.getMessage(), e);
        }
    }
}
