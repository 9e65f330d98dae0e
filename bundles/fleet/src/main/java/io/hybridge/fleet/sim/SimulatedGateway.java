package io.hybridge.fleet.sim;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.fleet.sign.UnitSignature;
import io.hybridge.fleet.wire.DeployV2;
import io.hybridge.fleet.wire.EdcTopic;
import io.hybridge.fleet.wire.KuraCodec;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.ScheduledExecutorPingSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * One simulated gateway: an MQTT client that publishes BIRTH (with {@code deploy.packages}) and
 * answers DEPLOY-V2 as the wire contract says — EXEC/download (really downloading, and checking
 * digest and signature, if its behaviour says so), the download and install notifications,
 * GET/download, DEL/download, EXEC/uninstall, GET/packages. Jobs run on the fleet's shared
 * worker pool; nothing here owns a thread but Paho's.
 */
final class SimulatedGateway {
    private final int index;
    private final String account;
    private final String clientId;
    private final SimBehaviour behaviour;
    private final ScheduledExecutorService workers;
    private final MqttAsyncClient client;
    private final Map<String, String> packages = new TreeMap<>();
    private volatile Job current;
    private volatile Job last;
    private volatile String lastJobStatus;

    /** One DEPLOY-V2 job: what was asked and how far it got. */
    private static final class Job {
        final long id;
        final String requester;
        final String name;
        final String version;
        final KuraPayload request;
        volatile String downloadStatus = DeployV2.IN_PROGRESS;
        volatile int progress;
        volatile long size;
        volatile String installStatus;
        volatile boolean cancelled;

        Job(long id, String requester, String name, String version, KuraPayload request) {
            this.id = id;
            this.requester = requester;
            this.name = name;
            this.version = version;
            this.request = request;
        }
    }

    SimulatedGateway(int index, String brokerUri, String account, String clientId, Map<String, String> initialPackages,
            SimBehaviour behaviour, ScheduledExecutorService comms, ScheduledExecutorService workers) throws MqttException {
        this.index = index;
        this.account = account;
        this.clientId = clientId;
        this.behaviour = behaviour;
        this.workers = workers;
        this.packages.putAll(initialPackages);
        this.client = new MqttAsyncClient(brokerUri, clientId, new MemoryPersistence(), new ScheduledExecutorPingSender(comms), comms);
    }

    String clientId() {
        return clientId;
    }

    synchronized Map<String, String> packages() {
        return Map.copyOf(packages);
    }

    void connect(String username, String password) throws MqttException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setKeepAliveInterval(60);
        options.setMaxInflight(200);
        options.setConnectionTimeout(60);
        options.setWill(EdcTopic.PREFIX + "/" + account + "/" + clientId + "/MQTT/LWT",
                KuraCodec.encode(KuraPayload.builder().timestamp(System.currentTimeMillis()).build()), 1, false);
        if (username != null) {
            options.setUserName(username);
            options.setPassword(password.toCharArray());
        }
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                byte[] bytes = message.getPayload();
                workers.execute(() -> onRequest(topic, bytes));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.connect(options).waitForCompletion(60_000);
        client.subscribe(EdcTopic.PREFIX + "/" + account + "/" + clientId + "/" + DeployV2.APP + "/#", 1).waitForCompletion(60_000);
        birth();
    }

    void birth() {
        KuraPayload.Builder b = KuraPayload.builder().timestamp(System.currentTimeMillis())
                .metric("display_name", "simulated gateway " + index)
                .metric("model_name", "Hybridge simulator")
                .metric("model_id", index % 2 == 0 ? "sim-a" : "sim-b")
                .metric("firmware_version", "hybridge-sim")
                .metric("application_framework", "Hybridge")
                .metric("application_framework_version", "sim")
                .metric("application_ids", "CONF-V2,DEPLOY-V2")
                .metric(DeployV2.BIRTH_PACKAGES, packageList())
                .metric(DeployV2.BIRTH_UNSIGNED_ALLOWED, behaviour.trustedKey() == null);
        Job j = last;
        if (j != null && lastJobStatus != null) {
            b.metric(DeployV2.BIRTH_JOB_LAST, j.id + ":" + lastJobStatus);
        }
        publish(EdcTopic.PREFIX + "/" + account + "/" + clientId + "/MQTT/BIRTH", b.build());
    }

    private synchronized String packageList() {
        return packages.entrySet().stream().map(e -> e.getKey() + "@" + e.getValue()).collect(Collectors.joining(","));
    }

    private void onRequest(String topic, byte[] bytes) {
        EdcTopic t = EdcTopic.parse(topic);
        if (t == null || t.rest().size() < 2 || "REPLY".equals(t.verb()) || "NOTIFY".equals(t.verb())) {
            return;
        }
        KuraPayload request;
        try {
            request = KuraCodec.decode(bytes);
        } catch (IllegalArgumentException e) {
            return;
        }
        Object requestId = request.metric(DeployV2.REQUEST_ID);
        Object requester = request.metric(DeployV2.REQUESTER);
        if (requestId == null || requester == null) {
            return;
        }
        String resource = String.join("/", t.rest().subList(1, t.rest().size()));
        KuraPayload reply = handle(t.verb(), resource, request, requester.toString());
        publish(EdcTopic.PREFIX + "/" + account + "/" + requester + "/" + DeployV2.APP + "/REPLY/" + requestId, reply);
    }

    private KuraPayload handle(String verb, String resource, KuraPayload request, String requester) {
        switch (verb + "/" + resource) {
            case "EXEC/download": {
                for (String required : new String[] {DeployV2.URI, DeployV2.NAME, DeployV2.VERSION, DeployV2.JOB_ID, DeployV2.HASH}) {
                    if (request.metric(required) == null) {
                        return reply(400, "missing metric " + required);
                    }
                }
                if (!(request.metric(DeployV2.JOB_ID) instanceof Long jobId)) {
                    return reply(400, "metric job.id must be a long (INT64)");
                }
                synchronized (this) {
                    Job running = current;
                    if (running != null) {
                        return reply(409, "busy: job " + running.id + " is running");
                    }
                    current = new Job(jobId, requester, request.metric(DeployV2.NAME).toString(),
                            request.metric(DeployV2.VERSION).toString(), request);
                    last = current;
                    lastJobStatus = null;
                }
                Job job = current;
                workers.execute(() -> download(job));
                return reply(200, null);
            }
            case "EXEC/uninstall": {
                Object name = request.metric(DeployV2.NAME);
                Object jobId = request.metric(DeployV2.JOB_ID);
                if (name == null || !(jobId instanceof Long id)) {
                    return reply(400, name == null ? "missing metric dp.name" : "metric job.id must be a long (INT64)");
                }
                workers.schedule(() -> {
                    synchronized (this) {
                        packages.remove(name.toString());
                    }
                    notify(requester, "uninstall", KuraPayload.builder().metric(DeployV2.JOB_ID, id)
                            .metric(DeployV2.NAME, name.toString()).metric(DeployV2.UNINSTALL_PROGRESS, 100)
                            .metric(DeployV2.UNINSTALL_STATUS, DeployV2.COMPLETED));
                    birth();
                }, behaviour.installDelay().toMillis(), TimeUnit.MILLISECONDS);
                return reply(200, null);
            }
            case "GET/download": {
                Job j = current != null ? current : last;
                KuraPayload.Builder b = KuraPayload.builder().metric(DeployV2.RESPONSE_CODE, 200);
                if (j != null) {
                    b.metric(DeployV2.JOB_ID, j.id).metric(DeployV2.DOWNLOAD_PROGRESS, j.progress)
                            .metric(DeployV2.DOWNLOAD_SIZE, j.size).metric(DeployV2.DOWNLOAD_STATUS, j.downloadStatus);
                    if (j.installStatus != null) {
                        b.metric(DeployV2.INSTALL_STATUS, j.installStatus).metric(DeployV2.NAME, j.name)
                                .metric(DeployV2.VERSION, j.version);
                    }
                }
                return b.build();
            }
            case "DEL/download": {
                Job j = current;
                if (j != null) {
                    j.cancelled = true;
                }
                return reply(200, null);
            }
            case "GET/packages": {
                StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><packages>");
                StringBuilder json = new StringBuilder("[");
                packages().forEach((n, v) -> {
                    xml.append("<package><name>").append(n).append("</name><version>").append(v).append("</version></package>");
                    json.append(json.length() > 1 ? "," : "").append("{\"name\":\"").append(n).append("\",\"version\":\"").append(v).append("\"}");
                });
                xml.append("</packages>");
                return KuraPayload.builder().metric(DeployV2.RESPONSE_CODE, 200).metric("packages.json", json.append(']').toString())
                        .body(xml.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)).build();
            }
            default:
                return reply(404, "no resource " + verb + "/" + resource + " in the simulator");
        }
    }

    private void download(Job job) {
        KuraPayload r = job.request;
        long blockSize = r.metric(DeployV2.BLOCK_SIZE) instanceof Number n ? Math.max(1, n.longValue()) : 64 * 1024;
        String expected = r.metric(DeployV2.HASH).toString();
        try {
            if (behaviour.downloads(index)) {
                MessageDigest md = UnitSignature.newSha256();
                HttpURLConnection c = (HttpURLConnection) URI.create(r.metric(DeployV2.URI).toString()).toURL().openConnection();
                c.setConnectTimeout(10_000);
                c.setReadTimeout(30_000);
                if (c.getResponseCode() != 200) {
                    throw new IOException("HTTP " + c.getResponseCode() + " for " + r.metric(DeployV2.URI));
                }
                long size = c.getContentLengthLong();
                job.size = size;
                long read = 0;
                long nextReport = blockSize;
                int block = 0;
                byte[] buffer = new byte[64 * 1024];
                try (InputStream in = c.getInputStream()) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        if (job.cancelled) {
                            throw new IOException("cancelled by DEL/download");
                        }
                        md.update(buffer, 0, n);
                        read += n;
                        if (read >= nextReport && read < size) {
                            nextReport += blockSize;
                            job.progress = (int) (read * 100 / Math.max(1, size));
                            downloadNotice(job, block++, DeployV2.IN_PROGRESS, null);
                        }
                    }
                }
                byte[] digest = md.digest();
                if (behaviour.verifies(index)) {
                    String actual = "SHA-256:" + HexFormat.of().formatHex(digest);
                    if (!actual.equalsIgnoreCase(expected)) {
                        throw new IOException("hash mismatch: expected " + expected + ", got " + actual);
                    }
                    if (behaviour.trustedKey() != null) {
                        Object sig = r.metric(DeployV2.SIGNATURE);
                        if (sig == null || !UnitSignature.verify(digest, sig.toString(), behaviour.trustedKey())) {
                            throw new IOException("signature " + (sig == null ? "missing (dp.signature)" : "does not verify with the trusted key"));
                        }
                    }
                }
            } else {
                job.size = blockSize * 10;
                for (int block = 0; block < 10; block++) {
                    job.progress = block * 10;
                    downloadNotice(job, block, DeployV2.IN_PROGRESS, null);
                }
            }
            job.progress = 100;
            job.downloadStatus = DeployV2.COMPLETED;
            downloadNotice(job, -1, DeployV2.COMPLETED, null);
            job.installStatus = DeployV2.IN_PROGRESS;
            installNotice(job, 0, DeployV2.IN_PROGRESS, null);
            workers.schedule(() -> install(job), behaviour.installDelay().toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            job.downloadStatus = DeployV2.FAILED;
            end(job, DeployV2.FAILED);
            downloadNotice(job, -1, DeployV2.FAILED, e.getMessage());
        }
    }

    private void install(Job job) {
        String status;
        String error = null;
        if (behaviour.fails(index, job.version)) {
            status = behaviour.failMode();
            error = DeployV2.ROLLED_BACK.equals(status) ? "bundle " + job.name + " did not become active within the health gate"
                    : "simulated install failure of " + job.name + "@" + job.version;
        } else {
            status = DeployV2.COMPLETED;
            synchronized (this) {
                packages.put(job.name, job.version);
            }
        }
        job.installStatus = status;
        end(job, status);
        installNotice(job, 100, status, error);
        birth();
    }

    private synchronized void end(Job job, String status) {
        lastJobStatus = status;
        if (current == job) {
            current = null;
        }
    }

    private void downloadNotice(Job job, int block, String status, String error) {
        KuraPayload.Builder b = KuraPayload.builder().metric(DeployV2.JOB_ID, job.id)
                .metric(DeployV2.DOWNLOAD_PROGRESS, job.progress).metric(DeployV2.DOWNLOAD_SIZE, job.size)
                .metric(DeployV2.DOWNLOAD_INDEX, Math.max(0, block)).metric(DeployV2.DOWNLOAD_STATUS, status);
        if (error != null) {
            b.metric(DeployV2.DOWNLOAD_ERROR, error);
        }
        notify(job.requester, "download", b);
    }

    private void installNotice(Job job, int progress, String status, String error) {
        KuraPayload.Builder b = KuraPayload.builder().metric(DeployV2.JOB_ID, job.id).metric(DeployV2.NAME, job.name)
                .metric(DeployV2.VERSION, job.version).metric(DeployV2.INSTALL_PROGRESS, progress)
                .metric(DeployV2.INSTALL_STATUS, status);
        if (error != null) {
            b.metric(DeployV2.INSTALL_ERROR, error);
        }
        notify(job.requester, "install", b);
    }

    private void notify(String requester, String type, KuraPayload.Builder b) {
        publish(EdcTopic.PREFIX + "/" + account + "/" + requester + "/" + DeployV2.APP + "/NOTIFY/" + clientId + "/" + type,
                b.timestamp(System.currentTimeMillis()).build());
    }

    private static KuraPayload reply(int code, String message) {
        KuraPayload.Builder b = KuraPayload.builder().timestamp(System.currentTimeMillis()).metric(DeployV2.RESPONSE_CODE, code);
        if (message != null) {
            b.metric(DeployV2.RESPONSE_MESSAGE, message);
        }
        return b.build();
    }

    private void publish(String topic, KuraPayload payload) {
        try {
            client.publish(topic, KuraCodec.encode(payload), 1, false);
        } catch (MqttException e) {
            // disconnected or too much in flight: a real gateway's store-and-forward would keep it; the fleet resyncs
        }
    }

    /** A clean disconnect: DC first, as Kura does. */
    void disconnect() {
        try {
            if (client.isConnected()) {
                client.publish(EdcTopic.PREFIX + "/" + account + "/" + clientId + "/MQTT/DC",
                        KuraCodec.encode(KuraPayload.builder().timestamp(System.currentTimeMillis()).build()), 1, false)
                        .waitForCompletion(2_000);
                client.disconnect(1_000).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            // closing anyway
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            // closing anyway
        }
    }
}
