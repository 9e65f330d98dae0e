package io.hybridge.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hybridge.vision.VisionSettings.SettingsException;

class VisionSettingsTest {

    private static final Path HOME = Path.of("/app");

    private static VisionSettings settings(String... pairs) {
        Map<String, String> env = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return VisionSettings.fromEnvironment(env, HOME);
    }

    @Test
    void defaultsSuitTheGatewaysLocalBroker() {
        VisionSettings s = settings("VISION_SOURCE", "/app/samples/clip.avi");
        assertThat(s.mqttUri()).isEqualTo("tcp://127.0.0.1:1883");
        assertThat(s.mqttTopic()).isEqualTo("vision/detections");
        assertThat(s.mqttStatsTopic()).isEqualTo("vision/stats");
        assertThat(s.mqttClientId()).startsWith("hybridge-vision-");
        assertThat(s.mqttQos()).isZero();
        assertThat(s.detect()).isEqualTo(EnumSet.allOf(Detection.Kind.class));
        assertThat(s.cascade()).isEqualTo(Path.of("/app/cascades/haarcascade_frontalface_alt2.xml"));
        assertThat(s.loop()).isFalse();
        assertThat(s.statsInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.publishes()).isTrue();
    }

    @Test
    void readsEveryVariable() {
        VisionSettings s = settings("VISION_SOURCE", "/dev/video0", "VISION_LOOP", "true", "VISION_MAX_FRAMES", "500",
                "VISION_REALTIME", "yes", "VISION_DETECT", "face", "VISION_CASCADE", "/x.xml", "VISION_MAX_WIDTH", "320",
                "VISION_MOTION_THRESHOLD", "30", "VISION_MOTION_MIN_AREA", "400", "VISION_MOTION_LEARNING_RATE", "1",
                "VISION_FACE_SCALE_FACTOR", "1.2", "VISION_FACE_MIN_NEIGHBOURS", "5", "VISION_FACE_MIN_SIZE", "40",
                "VISION_PUBLISH_EMPTY", "on", "VISION_STATS_SECONDS", "0.5", "MQTT_URI", "ssl://gw:8883",
                "MQTT_TOPIC", "cams/door/detections", "MQTT_STATS_TOPIC", "cams/door/stats", "MQTT_CLIENT_ID", "door",
                "MQTT_USERNAME", "door-cam", "MQTT_PASSWORD", "pw", "MQTT_QOS", "1");
        assertThat(s.loop()).isTrue();
        assertThat(s.maxFrames()).isEqualTo(500);
        assertThat(s.realtime()).isTrue();
        assertThat(s.detect()).containsExactly(Detection.Kind.FACE);
        assertThat(s.cascade()).isEqualTo(Path.of("/x.xml"));
        assertThat(s.maxWidth()).isEqualTo(320);
        assertThat(s.motionThreshold()).isEqualTo(30);
        assertThat(s.motionMinArea()).isEqualTo(400);
        assertThat(s.motionLearningRate()).isEqualTo(1);
        assertThat(s.faceScaleFactor()).isEqualTo(1.2);
        assertThat(s.faceMinNeighbours()).isEqualTo(5);
        assertThat(s.faceMinSize()).isEqualTo(40);
        assertThat(s.publishEmptyFrames()).isTrue();
        assertThat(s.statsInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.mqttUri()).isEqualTo("ssl://gw:8883");
        assertThat(s.mqttTopic()).isEqualTo("cams/door/detections");
        assertThat(s.mqttStatsTopic()).isEqualTo("cams/door/stats");
        assertThat(s.mqttClientId()).isEqualTo("door");
        assertThat(s.mqttUsername()).isEqualTo("door-cam");
        assertThat(new String(s.mqttPassword())).isEqualTo("pw");
        assertThat(s.mqttQos()).isEqualTo(1);
        assertThat(s.summary()).contains("user=door-cam").doesNotContain("pw,").doesNotContain("=pw");
    }

    @Test
    void noBrokerPublishesNothing() {
        assertThat(settings("MQTT_URI", "none").publishes()).isFalse();
    }

    @Test
    void errorsNameTheVariableAndWhatWouldDo() {
        assertThatThrownBy(() -> settings("VISION_LOOP", "sometimes")).isInstanceOf(SettingsException.class)
                .hasMessage("VISION_LOOP=sometimes is not a boolean: use true or false");
        assertThatThrownBy(() -> settings("VISION_MAX_FRAMES", "-1"))
                .hasMessage("VISION_MAX_FRAMES=-1 is out of range: use 0..9223372036854775807");
        assertThatThrownBy(() -> settings("VISION_MAX_WIDTH", "wide"))
                .hasMessage("VISION_MAX_WIDTH=wide is not a whole number (32..8192)");
        assertThatThrownBy(() -> settings("VISION_MOTION_LEARNING_RATE", "0"))
                .hasMessage("VISION_MOTION_LEARNING_RATE=0 is out of range: use 0.001..1.0");
        assertThatThrownBy(() -> settings("VISION_DETECT", "motion,cats"))
                .hasMessage("VISION_DETECT=motion,cats: unknown detector 'cats'; use a comma-separated list of motion, face");
        assertThatThrownBy(() -> settings("MQTT_URI", "ws://gw:9001"))
                .hasMessageStartingWith("MQTT_URI=ws://gw:9001 is not a broker URI: use tcp://host:port or ssl://host:port");
        assertThatThrownBy(() -> settings("MQTT_URI", "localhost:1883"))
                .hasMessageStartingWith("MQTT_URI=localhost:1883 is not a broker URI");
        assertThatThrownBy(() -> settings("MQTT_TOPIC", "vision/#"))
                .hasMessage("MQTT_TOPIC=vision/# is not a topic to publish to: no wildcards (+, #)");
        assertThatThrownBy(() -> settings("MQTT_QOS", "3")).hasMessage("MQTT_QOS=3 is out of range: use 0..2");
    }
}
