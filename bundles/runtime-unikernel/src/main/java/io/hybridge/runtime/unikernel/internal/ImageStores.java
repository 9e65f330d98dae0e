package io.hybridge.runtime.unikernel.internal;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.runtime.unikernel.internal.image.ImageStore;
import io.hybridge.runtime.unikernel.internal.image.UnikernelImage;

/**
 * The one place the runtime gets its {@link ImageStore}: the OCI image side
 * ({@code internal.image.OciImageStore}, written in parallel) is wired here, as
 * {@code new OciImageStore(cacheDir, <credentials lookup>, ...)}. Until it lands, a store that
 * has no images and says so.
 */
final class ImageStores {

    private ImageStores() {
    }

    static ImageStore create(Path cacheDir) {
        return new ImageStore() {
            @Override
            public UnikernelImage prepare(WorkloadSpec.Image image, boolean forcePull) throws WorkloadException {
                throw new WorkloadException(Reason.IMAGE_NOT_FOUND, "image " + image.reference()
                        + ": this build of the unikernel runtime has no OCI image store yet (cache " + cacheDir + ")");
            }

            @Override
            public Optional<UnikernelImage> present(String reference) {
                return Optional.empty();
            }

            @Override
            public long collectGarbage(Set<String> manifestDigestsInUse) {
                return 0;
            }
        };
    }
}
