package io.hybridge.runtime.container.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.LoadResponseItem;
import com.github.dockerjava.api.model.PullResponseItem;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.PullPolicy;

/**
 * Makes a spec's image present: finds it locally, loads it from the spec's archive, or pulls it
 * with the configured credentials, as the pull policy says, and checks a pinned digest. A
 * reference that names no registry is pulled only from the configured default registry —
 * never from a public one.
 */
final class ImagePreparer {

    private static final Logger LOG = LoggerFactory.getLogger(ImagePreparer.class);
    private static final Duration PULL_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(30);

    private final DockerClient client;
    private final String engineUri;
    private final String defaultRegistry;
    private final Function<String, Optional<AuthConfig>> credentials;

    /** @param credentials the account for a registry {@code host[:port]}, if one is configured */
    ImagePreparer(DockerClient client, String engineUri, String defaultRegistry, Function<String, Optional<AuthConfig>> credentials) {
        this.client = client;
        this.engineUri = engineUri;
        this.defaultRegistry = defaultRegistry;
        this.credentials = credentials;
    }

    void prepare(WorkloadSpec spec, boolean forcePull) throws WorkloadException {
        WorkloadSpec.Image image = spec.image();
        ImageReference reference = parse(image.reference());
        Optional<String> local = localName(reference);
        // a digest names immutable content: present is final, whatever the policy
        if (local.isPresent() && (reference.pinned() || image.pullPolicy() == PullPolicy.NEVER
                || image.pullPolicy() == PullPolicy.IF_NOT_PRESENT && !forcePull)) {
            return;
        }
        boolean hasArchive = !image.archive().isEmpty();
        if (image.pullPolicy() == PullPolicy.NEVER) {
            if (!hasArchive) {
                throw new WorkloadException(Reason.IMAGE_NOT_FOUND, "image " + reference + " is not present on the gateway and"
                        + " image.pullPolicy is never; load it (docker load) or give image.archive, a docker save tar of it");
            }
            load(reference, image.archivePath().orElseThrow());
            return;
        }
        if (image.pullPolicy() == PullPolicy.IF_NOT_PRESENT && !forcePull && hasArchive) {
            load(reference, image.archivePath().orElseThrow());
            return;
        }
        pull(reference);
    }

    /**
     * The name to create an instance from, without asking the engine when there is only one
     * candidate (the reference names its registry, or there is no default registry): a missing
     * image then fails the create with "no such image", which costs nothing in the common case.
     */
    Optional<String> nameToCreate(ImageReference reference) throws WorkloadException {
        if (reference.hasRegistry() || defaultRegistry.isEmpty()) {
            return Optional.of(createName(reference));
        }
        return localName(reference);
    }

    /**
     * The name under which the image is present on the engine: the reference itself, or — for a
     * reference without registry — its name in the default registry.
     */
    Optional<String> localName(ImageReference reference) throws WorkloadException {
        return localReference(reference).map(ImagePreparer::createName);
    }

    private Optional<ImageReference> localReference(ImageReference reference) throws WorkloadException {
        List<ImageReference> candidates = new ArrayList<>();
        candidates.add(reference);
        if (!reference.hasRegistry() && !defaultRegistry.isEmpty()) {
            candidates.add(reference.inRegistry(defaultRegistry));
        }
        for (ImageReference candidate : candidates) {
            if (inspect(createName(candidate)).isPresent()) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The engine's id of the image the reference names here (what a create would run), or empty. */
    Optional<String> imageId(String reference) throws WorkloadException {
        Optional<String> name = localName(parse(reference));
        return name.isEmpty() ? Optional.empty() : inspect(name.get()).map(InspectImageResponse::getId);
    }

    /**
     * Tags the image id with the reference again (where the reference is found now, else as
     * written), or untags the reference when the id is empty; the engine keeps an image's
     * content while a container uses it.
     */
    void point(String reference, Optional<String> imageId) throws WorkloadException {
        ImageReference parsed = parse(reference);
        if (parsed.pinned()) {
            throw new WorkloadException(Reason.IMAGE_INVALID, "image " + reference + " is pinned by digest: that name"
                    + " cannot be moved to another image");
        }
        ImageReference target = localReference(parsed).orElse(parsed);
        String tag = target.tag().isEmpty() ? "latest" : target.tag();
        try {
            if (imageId.isPresent()) {
                if (inspect(imageId.get()).isEmpty()) {
                    throw new WorkloadException(Reason.IMAGE_NOT_FOUND, "image " + imageId.get() + " (to be named "
                            + reference + " again) is no longer on the engine");
                }
                client.tagImageCmd(imageId.get(), target.name(), tag).withForce(true).exec();
            } else {
                client.removeImageCmd(target.name() + ":" + tag).withForce(true).withNoPrune(true).exec();
            }
        } catch (NotFoundException e) {
            // untagging a name that is already gone
        } catch (RuntimeException e) {
            throw EngineErrors.forCall(e, (imageId.isPresent() ? "tag of " + imageId.get() + " as " : "untag of ")
                    + reference, engineUri);
        }
        LOG.info("Image name {} now {}", reference, imageId.map(id -> "names " + id).orElse("removed"));
    }

    static ImageReference parse(String reference) throws WorkloadException {
        try {
            return ImageReference.parse(reference);
        } catch (IllegalArgumentException e) {
            throw new WorkloadException(Reason.IMAGE_NOT_FOUND, "image.reference " + e.getMessage());
        }
    }

    /** What a container is created from: {@code name@digest} when pinned (the engine drops a tag beside a digest), else name:tag. */
    private static String createName(ImageReference reference) {
        return reference.pinned() ? reference.name() + "@" + reference.digest()
                : reference.name() + ":" + (reference.tag().isEmpty() ? "latest" : reference.tag());
    }

    private Optional<InspectImageResponse> inspect(String name) throws WorkloadException {
        try {
            return Optional.of(client.inspectImageCmd(name).exec());
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw EngineErrors.forCall(e, "inspect of image " + name, engineUri);
        }
    }

    private void pull(ImageReference requested) throws WorkloadException {
        ImageReference reference = requested;
        if (!reference.hasRegistry()) {
            if (defaultRegistry.isEmpty()) {
                throw new WorkloadException(Reason.IMAGE_NOT_FOUND, "image " + requested + " is not present on the gateway, and"
                        + " the reference names no registry; the gateway never pulls from a public registry by itself."
                        + " Load it (image.archive), name a registry in image.reference (e.g. registry.local:5000/" + requested
                        + ") or set defaultRegistry in io.hybridge.runtime.container");
            }
            reference = requested.inRegistry(defaultRegistry);
        }
        PullImageCmd command = client.pullImageCmd(reference.name()).withTag(reference.pullTag());
        Optional<AuthConfig> auth = credentials.apply(reference.registry());
        // always set: docker-java would otherwise fill in what the user's ~/.docker/config.json holds
        command.withAuthConfig(auth.orElse(null));
        List<String> errors = new ArrayList<>();
        StreamCallback<PullResponseItem> callback = new StreamCallback<>(item -> {
            if (item.isErrorIndicated()) {
                errors.add(item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                        ? item.getErrorDetail().getMessage() : item.getError());
            }
        });
        long started = System.nanoTime();
        try {
            command.exec(callback);
            callback.await(PULL_TIMEOUT);
        } catch (RuntimeException e) {
            throw EngineErrors.forPull(e, reference, engineUri);
        } catch (TimeoutException e) {
            throw new WorkloadException(Reason.REGISTRY_UNAVAILABLE, "pull of " + reference + " did not finish within " + PULL_TIMEOUT.toMinutes() + " minutes");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkloadException(Reason.INTERNAL, "pull of " + reference + " interrupted");
        }
        if (!errors.isEmpty()) {
            throw EngineErrors.forPull(new IllegalStateException(errors.get(0)), reference, engineUri);
        }
        LOG.info("Pulled {}{} in {} ms", reference, auth.isPresent() ? " (as " + auth.get().getUsername() + ")" : "",
                (System.nanoTime() - started) / 1_000_000);
        verifyPresent(reference, "pull of " + reference);
    }

    /** Loads a {@code docker save} tar into the engine; returns what the engine says it loaded. */
    List<String> loadArchive(Path archive, String whatWouldBeRight) throws WorkloadException {
        List<String> loaded = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        StreamCallback<LoadResponseItem> callback = new StreamCallback<>(item -> {
            if (item.isErrorIndicated()) {
                errors.add(item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                        ? item.getErrorDetail().getMessage() : item.getError());
            } else if (item.getStream() != null && item.getStream().startsWith("Loaded image")) {
                loaded.add(item.getStream().replaceFirst("^Loaded image(?: ID)?: ", "").strip());
            }
        });
        try (InputStream tar = Files.newInputStream(archive)) {
            client.loadImageAsyncCmd(tar).exec(callback);
            callback.await(LOAD_TIMEOUT);
        } catch (IOException e) {
            throw new WorkloadException(Reason.IMAGE_NOT_FOUND, "image archive " + archive + " cannot be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (EngineErrors.engineUnreachable(e)) {
                throw EngineErrors.engineUnavailable(engineUri, e);
            }
            throw new WorkloadException(Reason.IMAGE_INVALID, "image archive " + archive + " is not a loadable image archive: "
                    + EngineErrors.engineMessage(e) + "; give " + whatWouldBeRight, e);
        } catch (TimeoutException e) {
            throw new WorkloadException(Reason.INTERNAL, "load of " + archive + " did not finish within " + LOAD_TIMEOUT.toMinutes() + " minutes");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkloadException(Reason.INTERNAL, "load of " + archive + " interrupted");
        }
        if (!errors.isEmpty()) {
            throw new WorkloadException(Reason.IMAGE_INVALID, "image archive " + archive + " is corrupt or not a docker save tar: "
                    + errors.get(0) + "; give " + whatWouldBeRight);
        }
        return loaded;
    }

    private void load(ImageReference reference, Path archive) throws WorkloadException {
        if (!Files.isRegularFile(archive) || !Files.isReadable(archive)) {
            throw new WorkloadException(Reason.IMAGE_NOT_FOUND, "image " + reference + " is not present and image.archive "
                    + archive + " is not a readable file; give the path of a docker save tar of it on the gateway");
        }
        List<String> loaded = loadArchive(archive, "a docker save tar of " + reference);
        LOG.info("Loaded {} from {}", loaded.isEmpty() ? "nothing" : String.join(", ", loaded), archive);
        if (localName(reference).isEmpty()) {
            if (reference.pinned() && inspect(reference.name() + (reference.tag().isEmpty() ? "" : ":" + reference.tag())).isPresent()) {
                throw new WorkloadException(Reason.IMAGE_INVALID, "image.archive " + archive + " holds " + String.join(", ", loaded)
                        + " but no registry digest: an archive cannot prove " + reference.digest() + "; pull the pinned"
                        + " reference from its registry, or use a tag reference with an archive");
            }
            throw new WorkloadException(Reason.IMAGE_INVALID, "image.archive " + archive + " holds "
                    + (loaded.isEmpty() ? "no tagged image" : String.join(", ", loaded)) + ", not " + reference
                    + "; give the archive of " + reference + " or change image.reference");
        }
    }

    /** After a pull: the reference now resolves, and a pinned digest is among the image's RepoDigests. */
    private void verifyPresent(ImageReference reference, String what) throws WorkloadException {
        Optional<InspectImageResponse> image = inspect(createName(reference));
        if (image.isEmpty()) {
            throw new WorkloadException(Reason.IMAGE_INVALID, what + " ended, but the engine has no image " + reference + " afterwards");
        }
        if (reference.pinned()) {
            String expected = reference.name() + "@" + reference.digest();
            List<String> digests = image.get().getRepoDigests() == null ? List.of() : image.get().getRepoDigests();
            if (!digests.contains(expected)) {
                throw new WorkloadException(Reason.IMAGE_INVALID, what + ": the image's digests " + digests + " do not include "
                        + reference.digest() + "; the content is not what image.reference pins");
            }
        }
    }
}
