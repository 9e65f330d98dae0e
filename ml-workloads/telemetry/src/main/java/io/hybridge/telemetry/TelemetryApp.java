package io.hybridge.telemetry;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.paho.client.mqttv3.MqttException;

import io.hybridge.telemetry.TelemetrySettings.SettingsException;

/**
 * The telemetry task: readings in on the input filter, per-sensor window statistics and
 * anomalies out as JSON, a status message when ready and at every window. It owns the window
 * timer; {@link WindowedStatistics} owns the numbers, {@link BrokerConnection} the MQTT session.
 */
public final class TelemetryApp {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_SETTINGS = 2;
    public static final int EXIT_BROKER = 4;

    /** Bad payloads logged per window; the rest are only counted. */
    static final int BAD_PAYLOADS_LOGGED_PER_WINDOW = 5;

    private final TelemetrySettings settings;
    private final Clock clock;
    private final PrintStream out;
    private final PrintStream err;
    private final WindowedStatistics statistics;
    private final PayloadParser parser;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    private final AtomicLong readings = new AtomicLong();
    private final AtomicLong badPayloads = new AtomicLong();
    private final AtomicLong badPayloadsInWindow = new AtomicLong();
    private long anomalies;
    private long unsent;

    public TelemetryApp(TelemetrySettings settings, Clock clock, PrintStream out, PrintStream err) {
        this.settings = settings;
        this.clock = clock;
        this.out = out;
        this.err = err;
        this.statistics = WindowedStatistics.of(settings);
        this.parser = new PayloadParser(settings.sensorLevel());
    }

    public static void main(String[] args) {
        TelemetrySettings settings;
        try {
            settings = TelemetrySettings.fromEnvironment(System.getenv());
        } catch (SettingsException e) {
            System.err.println("telemetry: " + e.getMessage());
            System.exit(EXIT_SETTINGS);
            return;
        }
        TelemetryApp app = new TelemetryApp(settings, Clock.systemUTC(), System.out, System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(app::stopAndWait, "telemetry-stop"));
        System.exit(app.run());
    }

    /** Runs until {@code TELEMETRY_MAX_WINDOWS} windows have closed or {@link #stopAndWait} is called. */
    public int run() {
        try {
            out.println("telemetry: starting, " + settings.summary());
            BrokerConnection broker;
            try {
                broker = BrokerConnection.open(settings, this::onMessage, out);
            } catch (MqttException e) {
                err.println("telemetry: cannot connect to the MQTT broker " + settings.mqttUri()
                        + (settings.mqttUsername().isEmpty() ? "" : " as user " + settings.mqttUsername()) + ": " + e.getMessage()
                        + " (reason " + e.getReasonCode() + ")");
                return EXIT_BROKER;
            }
            try (broker) {
                publishReady(broker);
                // Tablesaw's first table costs a class-path scan: paid during the first window, after
                // ready (with one vCPU it would only delay the connection)
                Thread warmUp = new Thread(TelemetryApp::warmUp, "tablesaw-warm-up");
                warmUp.setDaemon(true);
                warmUp.start();
                return loop(broker);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILED;
        } catch (RuntimeException e) {
            e.printStackTrace(err);
            return EXIT_FAILED;
        } finally {
            finished.countDown();
        }
    }

    /** Asks the task to stop and waits (bounded) for its last status message. */
    public void stopAndWait() {
        stop.countDown();
        try {
            finished.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int loop(BrokerConnection broker) throws InterruptedException {
        long windows = 0;
        while (true) {
            long now = clock.millis();
            long boundary = statistics.windowEnd(now);
            if (stop.await(Math.max(0, boundary - now), TimeUnit.MILLISECONDS)) {
                publishStatus(broker, "stopped", null);
                out.println("telemetry: stopped after " + windows + " windows, " + readings.get() + " readings, "
                        + badPayloads.get() + " bad payloads");
                return EXIT_OK;
            }
            long closedAt = Math.max(clock.millis(), boundary);
            List<WindowedStatistics.ClosedWindow> closed = statistics.closeUntil(closedAt);
            long bad = badPayloadsInWindow.getAndSet(0);
            if (bad > BAD_PAYLOADS_LOGGED_PER_WINDOW) {
                err.println("telemetry: " + (bad - BAD_PAYLOADS_LOGGED_PER_WINDOW) + " more bad payloads in this window (not logged)");
            }
            WindowedStatistics.ClosedWindow window = closed.isEmpty() ? null : closed.get(closed.size() - 1);
            for (WindowedStatistics.ClosedWindow w : closed) {
                publishWindow(broker, w);
            }
            windows++;
            StringBuilder status = TelemetryJson.status("running", settings.mqttClientId(), clock.millis());
            long start = statistics.windowStart(boundary - 1);
            TelemetryJson.instantField(status, "windowStart", start);
            TelemetryJson.instantField(status, "windowEnd", boundary);
            TelemetryJson.field(status, "readings", window == null ? 0 : window.readings());
            TelemetryJson.field(status, "sensors", window == null ? 0 : window.sensors().size());
            TelemetryJson.field(status, "dropped", window == null ? 0 : window.dropped());
            TelemetryJson.field(status, "badPayloads", bad);
            publishStatus(broker, "running", status);
            if (settings.maxWindows() > 0 && windows >= settings.maxWindows()) {
                publishStatus(broker, "stopped", null);
                out.println("telemetry: " + windows + " windows done (TELEMETRY_MAX_WINDOWS), " + readings.get()
                        + " readings, " + badPayloads.get() + " bad payloads, " + anomalies + " anomalies");
                return EXIT_OK;
            }
        }
    }

    private void publishWindow(BrokerConnection broker, WindowedStatistics.ClosedWindow window) {
        for (SensorWindow sensor : window.sensors()) {
            anomalies += sensor.anomalies().size();
            if (!broker.publish(settings.outputTopicFor(sensor.sensor()), TelemetryJson.window(sensor), settings.mqttQos())) {
                unsent++;
            }
        }
        if (window.dropped() > 0) {
            err.println("telemetry: window " + Instant.ofEpochMilli(window.start()) + " was full ("
                    + settings.maxReadingsPerWindow() + " readings): " + window.dropped() + " readings dropped");
        }
    }

    private void publishReady(BrokerConnection broker) {
        StringBuilder ready = TelemetryJson.status("ready", settings.mqttClientId(), clock.millis());
        TelemetryJson.field(ready, "input", settings.inputTopic());
        TelemetryJson.field(ready, "output", settings.outputTopic());
        TelemetryJson.field(ready, "windowMs", settings.window().toMillis());
        ProcessHandle.current().info().startInstant().ifPresent(started ->
                TelemetryJson.field(ready, "jvmUptimeMs", clock.millis() - started.toEpochMilli()));
        long systemUptime = systemUptimeMillis();
        if (systemUptime >= 0) {
            // in a microVM: milliseconds since the kernel started, i.e. boot to ready as the guest sees it
            TelemetryJson.field(ready, "systemUptimeMs", systemUptime);
        }
        String json = ready.append('}').toString();
        broker.publish(settings.statusTopic(), json, 1);
        out.println("telemetry: ready " + json);
    }

    private void publishStatus(BrokerConnection broker, String state, StringBuilder prepared) {
        StringBuilder status = prepared != null ? prepared : TelemetryJson.status(state, settings.mqttClientId(), clock.millis());
        TelemetryJson.field(status, "totalReadings", readings.get());
        TelemetryJson.field(status, "totalBadPayloads", badPayloads.get());
        TelemetryJson.field(status, "totalAnomalies", anomalies);
        TelemetryJson.field(status, "unsent", unsent);
        if (!broker.publish(settings.statusTopic(), status.append('}').toString(), 1)) {
            unsent++;
        }
    }

    /** Paho's callback thread: never throws, whatever arrives. */
    private void onMessage(String topic, byte[] payload) {
        long arrived = clock.millis();
        try {
            Reading reading = parser.parse(topic, payload, arrived);
            statistics.add(reading, arrived);
            readings.incrementAndGet();
        } catch (PayloadParser.BadPayloadException e) {
            badPayload(topic, e.getMessage());
        } catch (RuntimeException e) {
            badPayload(topic, e.toString());
        }
    }

    private void badPayload(String topic, String why) {
        long total = badPayloads.incrementAndGet();
        if (badPayloadsInWindow.incrementAndGet() <= BAD_PAYLOADS_LOGGED_PER_WINDOW) {
            err.println("telemetry: bad payload on " + PayloadParser.printable(topic) + ": " + why + " (" + total + " so far)");
        }
    }

    private static long systemUptimeMillis() {
        try {
            String uptime = Files.readString(Path.of("/proc/uptime")).trim();
            return Math.round(Double.parseDouble(uptime.substring(0, uptime.indexOf(' '))) * 1000);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void warmUp() {
        WindowedStatistics sample = new WindowedStatistics(1000, 3.0, 1, 2, 10);
        sample.add(new Reading("warm-up", 1, 0), 0);
        sample.add(new Reading("warm-up", 2, 0), 0);
        sample.closeUntil(1000);
    }
}
