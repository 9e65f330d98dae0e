package io.hybridge.deploy.internal.ota;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Hybridge OTA deployment",
        description = "Over-the-air deployment (DEPLOY-V2): which fleet keys units must be signed with, the health"
                + " gate after an install, and the limits of downloads and archives.")
@interface DeployConfig {

    @AttributeDefinition(name = "Trusted keys", description = "Ed25519 public keys whose signatures are accepted:"
            + " base64 of the X.509 SubjectPublicKeyInfo DER, or PEM. A key's id is the first 16 hex characters of"
            + " SHA-256 over that DER (the dp.signature.key metric).")
    String[] trustedKeys() default {};

    @AttributeDefinition(name = "Allow unsigned units", description = "Development only: accept units that carry no"
            + " signature. /health shows the deploy subsystem DEGRADED while this is on. A bad signature is refused anyway.")
    boolean allowUnsigned() default false;

    @AttributeDefinition(name = "Health gate (s)", description = "How long an installed unit has to prove healthy"
            + " (bundles active, components satisfied, no subsystem worse) before it is rolled back;"
            + " dp.health.timeout overrides it per job.")
    int healthGateSeconds() default 60;

    @AttributeDefinition(name = "Largest download (MiB)")
    long maxDownloadMiB() default 1024;

    @AttributeDefinition(name = "Download CA certificates", description = "A PEM file of CA certificates trusted,"
            + " besides the JDK's, for https dp.uri (a unit server with a private CA). Empty: the JDK's CAs only.")
    String downloadCaCertificates() default "";

    @AttributeDefinition(name = "Largest unpacked archive (MiB)", description = "A feature archive or image tar that"
            + " unpacks to more is refused as a zip bomb.")
    long maxUnpackedMiB() default 2048;

    @AttributeDefinition(name = "Most archive entries")
    int maxArchiveEntries() default 10000;

    @AttributeDefinition(name = "Job history", description = "How many finished jobs GET/jobs and the console keep.")
    int historySize() default 20;

    @AttributeDefinition(name = "State directory", description = "Where downloads, the unit store and the job"
            + " journal live; empty: ${hybridge.var}/deploy, else the bundle's data area.")
    String stateDir() default "";
}
