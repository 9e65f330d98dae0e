package io.hybridge.config.internal.confv2;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.cloud.CloudRequest;
import io.hybridge.api.cloud.CloudResponse;
import io.hybridge.api.cloud.RequestHandler;
import io.hybridge.api.cloud.Verb;
import io.hybridge.config.internal.BundleMetatypeCatalog;
import io.hybridge.config.internal.ConfigurationFailure;
import io.hybridge.config.internal.ConfigurationService;
import io.hybridge.config.internal.SnapshotStore;

/**
 * Kura's CONF-V2 management app: the resources of Kura's configuration v2 request handler,
 * with its JSON bodies, over the gateway's {@link ConfigurationService}. The cloud link
 * calls it for {@code $EDC/.../CONF-V2/<VERB>/<resource>}; the HTTP API translates its
 * requests into the same calls, so both share one code path.
 */
@Component(service = {RequestHandler.class, ConfV2Handler.class}, configurationPid = ConfV2Handler.PID,
        property = RequestHandler.APP_ID + "=" + ConfV2Handler.APP_ID)
@Designate(ocd = ConfV2Handler.Config.class)
public class ConfV2Handler implements RequestHandler {

    public static final String APP_ID = "CONF-V2";
    static final String PID = "io.hybridge.config";

    @ObjectClassDefinition(name = "Hybridge remote configuration",
            description = "Snapshots of the configuration, written before and after every change made through CONF-V2"
                    + " or the HTTP API, for rollback.")
    @interface Config {
        @AttributeDefinition(name = "Snapshots kept", min = "1", max = "1000",
                description = "How many snapshots are kept; the oldest go first.")
        int snapshots_max() default 10;

        @AttributeDefinition(name = "Snapshot directory", required = false,
                description = "Where snapshots are written (owner-only files). Empty: var/snapshots of the installation"
                        + " (framework property hybridge.var, else hybridge.home/var), else the bundle's data area.")
        String snapshots_dir() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(ConfV2Handler.class);

    private final BundleContext context;
    private final ConfigurationService configuration;
    private final Map<String, Function<CloudRequest, CloudResponse>> routes = new LinkedHashMap<>();

    @Activate
    public ConfV2Handler(BundleContext context, Config config, @Reference ConfigurationAdmin configAdmin,
                         @Reference MetaTypeService metatype) {
        this(context, new ConfigurationService(configAdmin, new BundleMetatypeCatalog(context, metatype),
                new SnapshotStore(snapshotDirectory(context, config.snapshots_dir()), config.snapshots_max(),
                        Clock.systemUTC())));
        LOG.info("CONF-V2 ready; snapshots in {} (last {} kept)", configuration.snapshotStore().directory(),
                config.snapshots_max());
    }

    ConfV2Handler(BundleContext context, ConfigurationService configuration) {
        this.context = context;
        this.configuration = configuration;
        route(Verb.GET, "configurableComponents", r -> ok(ConfV2Json.pidSet(
                configuration.pidsWithFactory().stream().map(p -> p.pid()).toList())));
        route(Verb.GET, "configurableComponents/pidsWithFactory", r -> ok(ConfV2Json.pidsWithFactory(
                configuration.pidsWithFactory())));
        route(Verb.GET, "configurableComponents/configurations", r -> ok(ConfV2Json.configurations(
                configuration.configurations())));
        route(Verb.POST, "configurableComponents/configurations/byPid", r -> ok(ConfV2Json.configurations(
                configuration.configurations(ConfV2Requests.pids(r.bodyText())))));
        route(Verb.POST, "configurableComponents/configurations/byPid/_default", r -> ok(ConfV2Json.configurations(
                configuration.defaultConfigurations(ConfV2Requests.pids(r.bodyText())))));
        route(Verb.PUT, "configurableComponents/configurations/_update", r -> {
            Map<?, ?> body = ConfV2Requests.object(r.bodyText(), ConfV2Requests.UPDATE);
            configuration.update(ConfV2Requests.changes(body), ConfV2Requests.takeSnapshot(body));
            return CloudResponse.ok();
        });
        route(Verb.GET, "factoryComponents", r -> ok(ConfV2Json.pidSet(configuration.factoryPids())));
        route(Verb.POST, "factoryComponents", r -> {
            Map<?, ?> body = ConfV2Requests.object(r.bodyText(), ConfV2Requests.CREATE);
            configuration.createFactoryConfigurations(ConfV2Requests.newInstances(body), ConfV2Requests.takeSnapshot(body));
            return CloudResponse.ok();
        });
        route(Verb.DEL, "factoryComponents/byPid", r -> {
            Map<?, ?> body = ConfV2Requests.object(r.bodyText(), ConfV2Requests.DELETE);
            configuration.deleteFactoryConfigurations(ConfV2Requests.deletedPids(body), ConfV2Requests.takeSnapshot(body));
            return CloudResponse.ok();
        });
        route(Verb.GET, "factoryComponents/ocd", r -> ok(ConfV2Json.configurations(
                configuration.factoryDefinitions(null))));
        route(Verb.POST, "factoryComponents/ocd/byFactoryPid", r -> ok(ConfV2Json.configurations(
                configuration.factoryDefinitions(ConfV2Requests.pids(r.bodyText())))));
        route(Verb.GET, "snapshots", r -> ok(ConfV2Json.snapshotIds(configuration.snapshotIds())));
        route(Verb.POST, "snapshots/byId", r -> ok(ConfV2Json.snapshot(
                configuration.snapshot(ConfV2Requests.snapshotId(r.bodyText())))));
        route(Verb.EXEC, "snapshots/_write", r -> ok(ConfV2Json.snapshotId(configuration.writeSnapshot())));
        route(Verb.EXEC, "snapshots/_rollback", r -> ok(ConfV2Json.snapshotId(configuration.rollback())));
        route(Verb.EXEC, "snapshots/byId/_rollback", r -> {
            configuration.rollback(ConfV2Requests.snapshotId(r.bodyText()));
            return CloudResponse.ok();
        });
    }

    /** A snapshot setting changed: applied in place, so that a request changing it is not cut off by a restart. */
    @Modified
    void modified(Config config) {
        SnapshotStore store = configuration.snapshotStore();
        store.configure(snapshotDirectory(context, config.snapshots_dir()), config.snapshots_max());
        LOG.info("snapshots now in {} (last {} kept)", store.directory(), config.snapshots_max());
    }

    @Override
    public CloudResponse handle(CloudRequest request) {
        String resource = request.verb() + "/" + request.resourcePath();
        Function<CloudRequest, CloudResponse> route = routes.get(resource);
        if (route == null) {
            return CloudResponse.notFound(unknownResource(request));
        }
        try {
            return route.apply(request);
        } catch (ConfigurationFailure failure) {
            if (failure.kind() == ConfigurationFailure.Kind.FAILED) {
                LOG.error("CONF-V2 {} from {} failed: {}", resource, request.requesterClientId(), failure.getMessage(),
                        failure.getCause());
            } else {
                LOG.info("CONF-V2 {} from {} refused: {}", resource, request.requesterClientId(), failure.getMessage());
            }
            return CloudResponse.error(failure.kind().code(), failure.getMessage());
        } catch (RuntimeException e) {
            LOG.error("CONF-V2 {} from {} failed", resource, request.requesterClientId(), e);
            return CloudResponse.internalError("CONF-V2 " + resource + " failed: " + e);
        }
    }

    /** Whether a resource exists for this verb: lets HTTP POST mean EXEC where CONF-V2 has EXEC. */
    public boolean hasResource(Verb verb, String resourcePath) {
        return routes.containsKey(verb + "/" + resourcePath);
    }

    /** Every resource, as {@code VERB/path}. */
    public List<String> resources() {
        return new ArrayList<>(routes.keySet());
    }

    private String unknownResource(CloudRequest request) {
        String path = request.resourcePath();
        List<String> verbs = new ArrayList<>();
        routes.keySet().stream().filter(k -> k.substring(k.indexOf('/') + 1).equals(path))
                .forEach(k -> verbs.add(k.substring(0, k.indexOf('/'))));
        String asked = request.verb() + "/" + path;
        if (!verbs.isEmpty()) {
            return "no CONF-V2 resource " + asked + "; " + path + " takes " + String.join(", ", verbs);
        }
        return "no CONF-V2 resource " + asked + "; the resources are " + String.join(", ", routes.keySet());
    }

    private void route(Verb verb, String path, Function<CloudRequest, CloudResponse> handler) {
        routes.put(verb + "/" + path, handler);
    }

    private static CloudResponse ok(String json) {
        return CloudResponse.okJson(json);
    }

    /** {@code snapshots.dir}, else {@code ${hybridge.var}/snapshots}, else {@code ${hybridge.home}/var/snapshots}, else the data area. */
    static Path snapshotDirectory(BundleContext context, String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.trim());
        }
        String var = context.getProperty("hybridge.var");
        if (var != null && !var.isBlank()) {
            return Path.of(var, "snapshots");
        }
        String home = context.getProperty("hybridge.home");
        if (home != null && !home.isBlank()) {
            return Path.of(home, "var", "snapshots");
        }
        return Objects.requireNonNull(context.getDataFile("snapshots"),
                "the framework has no file system support for bundle data; set snapshots.dir").toPath();
    }
}
