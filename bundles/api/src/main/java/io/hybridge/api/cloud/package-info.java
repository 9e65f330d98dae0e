/**
 * The cloud link as other bundles see it: the Kura payload model, publishing telemetry and
 * notifications ({@link io.hybridge.api.cloud.CloudPublisher}), and management apps that answer
 * requests on the Kura request/response channel ({@link io.hybridge.api.cloud.RequestHandler}), and
 * metrics other bundles add to the BIRTH ({@link io.hybridge.api.cloud.BirthContributor}).
 *
 * <p>The wire shape is Eclipse Kura / Kapua's: topics {@code $EDC/<account>/<client-id>/<app-id>/<VERB>/<resource...>},
 * replies on {@code $EDC/<account>/<requester>/<app-id>/REPLY/<request.id>}.
 */
@Export
@Version("1.1.0")
package io.hybridge.api.cloud;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
