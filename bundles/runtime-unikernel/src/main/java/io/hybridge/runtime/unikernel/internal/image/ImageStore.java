package io.hybridge.runtime.unikernel.internal.image;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where the unikernel runtime gets its images: an OCI registry (the unikernel hub) pulled by
 * digest with the configured credentials, or a local OCI layout (directory or tar) for offline
 * gateways, into a content-addressed cache on disk. Every blob is verified against its digest
 * before it is used; a partial download never becomes visible.
 */
public interface ImageStore {

    /**
     * Makes the image present as the spec's pull policy says and returns it. Failures are
     * {@link WorkloadException}s naming the reference or file and what is wrong
     * (IMAGE_NOT_FOUND, IMAGE_INVALID, REGISTRY_AUTH, ...).
     *
     * @param forcePull pull a moving tag again even under {@code if-not-present}
     */
    UnikernelImage prepare(WorkloadSpec.Image image, boolean forcePull) throws WorkloadException;

    /**
     * Imports every image of an OCI layout tar that names its images in full (an OTA
     * workload-image unit) and points those references at them; returns the references.
     */
    default List<String> loadArchive(Path tar) throws WorkloadException {
        throw new WorkloadException(WorkloadException.Reason.IMAGE_INVALID, "this image store does not load archives");
    }

    /** The image already in the cache for this reference, without touching the network. */
    Optional<UnikernelImage> present(String reference);

    /** The manifest digest the reference names in the cache, or empty. */
    default Optional<String> imageId(String reference) throws WorkloadException {
        return present(reference).map(UnikernelImage::manifestDigest);
    }

    /** Names a cached image by the reference again, or forgets the name (empty). */
    default void point(String reference, Optional<String> manifestDigest) throws WorkloadException {
        throw new WorkloadException(WorkloadException.Reason.IMAGE_INVALID, "this image store cannot move image names");
    }

    /**
     * Removes cached images (and blobs no image uses) whose manifest digest is not in
     * {@code manifestDigestsInUse}; returns the bytes freed.
     */
    long collectGarbage(Set<String> manifestDigestsInUse) throws IOException;
}
