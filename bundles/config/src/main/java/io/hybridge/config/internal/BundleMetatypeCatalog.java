package io.hybridge.config.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.config.internal.ComponentDefinition.Bounds;

/**
 * The Metatype of every resolved bundle, asked from the MetaType Service on each call:
 * bundles come and go, and the service caches what it parsed. The min/max bounds, which the
 * Metatype API does not carry, are read from the bundle's XML once per bundle revision.
 */
public final class BundleMetatypeCatalog implements MetatypeCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(BundleMetatypeCatalog.class);

    private record CachedBounds(long lastModified, Map<String, Map<String, Bounds>> byOcd) {
    }

    private final BundleContext context;
    private final MetaTypeService metatype;
    private final Map<Long, CachedBounds> bounds = new ConcurrentHashMap<>();

    public BundleMetatypeCatalog(BundleContext context, MetaTypeService metatype) {
        this.context = context;
        this.metatype = metatype;
    }

    @Override
    public Map<String, ComponentDefinition> pids() {
        return collect(false);
    }

    @Override
    public Map<String, ComponentDefinition> factoryPids() {
        return collect(true);
    }

    private Map<String, ComponentDefinition> collect(boolean factories) {
        Map<String, ComponentDefinition> definitions = new TreeMap<>();
        for (Bundle bundle : context.getBundles()) {
            if ((bundle.getState() & (Bundle.UNINSTALLED | Bundle.INSTALLED)) != 0) {
                continue; // an unresolved bundle's components cannot run; its Metatype would mislead
            }
            MetaTypeInformation info;
            try {
                info = metatype.getMetaTypeInformation(bundle);
            } catch (RuntimeException e) {
                LOG.warn("cannot read the Metatype of bundle {}: {}", bundle.getSymbolicName(), e.toString());
                continue;
            }
            if (info == null) {
                continue;
            }
            for (String pid : factories ? info.getFactoryPids() : info.getPids()) {
                if (definitions.containsKey(pid)) {
                    continue; // the first bundle describing a PID wins, as in the web console
                }
                try {
                    ObjectClassDefinition ocd = info.getObjectClassDefinition(pid, null);
                    if (ocd != null) {
                        definitions.put(pid, ComponentDefinition.of(ocd, boundsOf(bundle).get(ocd.getID())));
                    }
                } catch (RuntimeException e) {
                    LOG.warn("cannot read the Metatype of {} in bundle {}: {}", pid, bundle.getSymbolicName(), e.toString());
                }
            }
        }
        return definitions;
    }

    private Map<String, Map<String, Bounds>> boundsOf(Bundle bundle) {
        CachedBounds cached = bounds.get(bundle.getBundleId());
        if (cached == null || cached.lastModified() != bundle.getLastModified()) {
            cached = new CachedBounds(bundle.getLastModified(), MetatypeXmlBounds.read(bundle));
            bounds.put(bundle.getBundleId(), cached);
        }
        return cached.byOcd();
    }
}
