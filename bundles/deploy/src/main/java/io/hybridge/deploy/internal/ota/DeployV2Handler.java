package io.hybridge.deploy.internal.ota;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.hybridge.api.cloud.CloudRequest;
import io.hybridge.api.cloud.CloudResponse;
import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.RequestHandler;

/**
 * The {@code DEPLOY-V2} management app, Kura's wire shape:
 * <pre>
 * EXEC download          start a job: download, verify, install (metrics dp.uri, dp.name, dp.version, job.id, …)
 * GET  download          the running or last job's status (the notification's metrics)
 * DEL  download          cancel a running download
 * EXEC install           install a unit an earlier job downloaded (dp.name, dp.version, job.id)
 * EXEC uninstall         uninstall a unit installed over the air (dp.name, job.id)
 * GET  packages          installed units (Kura XML body; metric packages.json)
 * GET  bundles           the framework's bundles (Kura XML body; metric bundles.json)
 * EXEC start/&lt;id&gt;, EXEC stop/&lt;id&gt;   start or stop a bundle
 * GET  jobs              (Hybridge) the running job and the history, as JSON
 * </pre>
 * Jobs run one at a time on the {@link DeploymentAgent}'s thread: a request while one runs is
 * answered 409 naming it.
 */
@Component(service = RequestHandler.class, property = RequestHandler.APP_ID + "=" + DeploymentAgent.APP_ID)
public final class DeployV2Handler implements RequestHandler {

    static final int CONFLICT = 409;

    private final DeploymentAgent agent;
    private final BundleContext context;

    @Activate
    public DeployV2Handler(@Reference DeploymentAgent agent, BundleContext context) {
        this.agent = agent;
        this.context = context;
    }

    @Override
    public CloudResponse handle(CloudRequest request) {
        String path = request.resourcePath();
        List<String> resources = request.resources();
        try {
            return switch (request.verb() + " " + (resources.isEmpty() ? "" : resources.get(0))) {
                case "EXEC download" -> download(request);
                case "GET download" -> status();
                case "DEL download" -> cancel();
                case "EXEC install" -> install(request);
                case "EXEC uninstall" -> uninstall(request);
                case "GET packages" -> packages();
                case "GET bundles" -> bundles();
                case "GET jobs" -> jobs();
                case "EXEC start", "EXEC stop" -> startStop(resources);
                default -> CloudResponse.notFound(request.verb() + " " + path + " is not a DEPLOY-V2 resource; use EXEC"
                        + " download|install|uninstall, GET|DEL download, GET packages|bundles|jobs, EXEC start/<id>, EXEC stop/<id>");
            };
        } catch (IllegalArgumentException e) {
            return CloudResponse.badRequest(e.getMessage());
        } catch (DeploymentAgent.Busy e) {
            return CloudResponse.error(CONFLICT, e.getMessage());
        }
    }

    private CloudResponse download(CloudRequest request) throws DeploymentAgent.Busy {
        Job job = DownloadRequest.parse(request.payload(), request.requesterClientId());
        agent.submitDownload(job);
        return CloudResponse.ok(KuraPayload.builder().metric("job.id", job.id).build());
    }

    private CloudResponse status() {
        Optional<Job> job = agent.currentOrLast();
        if (job.isEmpty()) {
            return CloudResponse.ok(KuraPayload.builder().metric("dp.download.status", "IDLE").build());
        }
        return CloudResponse.ok(JobPayloads.status(job.get()));
    }

    private CloudResponse cancel() throws DeploymentAgent.Busy {
        Optional<Job> cancelled = agent.cancelDownload();
        if (cancelled.isEmpty()) {
            return CloudResponse.notFound("no download is running; GET download shows the last job");
        }
        return CloudResponse.ok(KuraPayload.builder().metric("job.id", cancelled.get().id).build());
    }

    private CloudResponse install(CloudRequest request) throws DeploymentAgent.Busy {
        String name = DownloadRequest.requiredString(request.payload(), "dp.name");
        String version = DownloadRequest.requiredString(request.payload(), "dp.version");
        long jobId = DownloadRequest.requiredLong(request.payload(), "job.id");
        try {
            agent.submitInstall(name, version, jobId, request.requesterClientId());
        } catch (DeployException e) {
            return CloudResponse.notFound(e.getMessage());
        }
        return CloudResponse.ok(KuraPayload.builder().metric("job.id", jobId).build());
    }

    private CloudResponse uninstall(CloudRequest request) throws DeploymentAgent.Busy {
        String name = DownloadRequest.requiredString(request.payload(), "dp.name");
        long jobId = DownloadRequest.requiredLong(request.payload(), "job.id");
        try {
            agent.submitUninstall(name, jobId, request.requesterClientId());
        } catch (DeployException e) {
            return CloudResponse.notFound(e.getMessage());
        }
        return CloudResponse.ok(KuraPayload.builder().metric("job.id", jobId).build());
    }

    private CloudResponse packages() {
        List<Map<String, Object>> packages = InventoryBodies.packages(agent.installedUnits());
        return CloudResponse.ok(KuraPayload.builder()
                .metric("packages.json", InventoryBodies.json(packages))
                .body(InventoryBodies.packagesXml(packages).getBytes(StandardCharsets.UTF_8)).build());
    }

    private CloudResponse bundles() {
        List<Map<String, Object>> bundles = InventoryBodies.bundles(context.getBundles());
        return CloudResponse.ok(KuraPayload.builder()
                .metric("bundles.json", InventoryBodies.json(bundles))
                .body(InventoryBodies.bundlesXml(bundles).getBytes(StandardCharsets.UTF_8)).build());
    }

    private CloudResponse jobs() {
        Map<String, Object> body = new LinkedHashMap<>();
        agent.activeJob().ifPresent(job -> body.put("running", job.toMap()));
        body.put("history", agent.history().stream().map(Job::toMap).toList());
        body.put("installed", InventoryBodies.packages(agent.installedUnits()));
        body.put("unsignedAllowed", agent.unsignedAllowed());
        return CloudResponse.okJson(InventoryBodies.json(body));
    }

    private CloudResponse startStop(List<String> resources) {
        String verb = resources.get(0);
        if (resources.size() != 2) {
            return CloudResponse.badRequest("EXEC " + verb + " needs the bundle id: EXEC " + verb + "/<bundle-id>");
        }
        long id;
        try {
            id = Long.parseLong(resources.get(1));
        } catch (NumberFormatException e) {
            return CloudResponse.badRequest("'" + resources.get(1) + "' is not a bundle id (a number; GET bundles lists them)");
        }
        Bundle bundle = context.getBundle(id);
        if (bundle == null) {
            return CloudResponse.notFound("no bundle " + id + "; GET bundles lists them");
        }
        if (id == 0 || bundle.equals(context.getBundle())) {
            return CloudResponse.badRequest("bundle " + id + " (" + bundle.getSymbolicName() + ") cannot be "
                    + (verb.equals("start") ? "started" : "stopped") + " from the cloud: the gateway would lose its OTA agent");
        }
        try {
            if (verb.equals("start")) {
                bundle.start();
            } else {
                bundle.stop();
            }
        } catch (BundleException | IllegalStateException e) {
            return CloudResponse.internalError("bundle " + id + " (" + bundle.getSymbolicName() + ") did not " + verb + ": "
                    + BundleSwitch.rootMessage(e));
        }
        return CloudResponse.ok();
    }
}
