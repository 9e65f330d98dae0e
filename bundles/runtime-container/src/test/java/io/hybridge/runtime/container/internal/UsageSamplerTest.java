package io.hybridge.runtime.container.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Statistics;

import io.hybridge.api.workload.ResourceUsage;

/** The arithmetic of {@code docker stats}, on stats answers shaped like Docker 20.10's (cgroup v1). */
class UsageSamplerTest {

    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final long HOST_MEMORY = 24L * 1024 * 1024 * 1024;

    private static Statistics stats(long total, long preTotal, long system, long preSystem, long usage, long inactive, long limit)
            throws Exception {
        return JSON.readValue("""
                {"read":"2026-11-23T16:00:02Z",
                 "pids_stats":{"current":7},
                 "cpu_stats":{"cpu_usage":{"total_usage":%d,"percpu_usage":[1,2]},"system_cpu_usage":%d,"online_cpus":2},
                 "precpu_stats":{"cpu_usage":{"total_usage":%d},"system_cpu_usage":%d,"online_cpus":2},
                 "memory_stats":{"usage":%d,"limit":%d,"stats":{"total_inactive_file":%d,"cache":999}}}
                """.formatted(total, system, preTotal, preSystem, usage, limit, inactive), Statistics.class);
    }

    @Test
    void cpuIsTheShareOfHostTimeTimesOnlineCpus() throws Exception {
        // the container used 0.5 s of CPU while the host's two CPUs together ran 2 s: half of one CPU
        ResourceUsage usage = UsageSampler.usage(stats(1_500_000_000L, 1_000_000_000L, 12_000_000_000L, 10_000_000_000L,
                50_000_000, 10_000_000, 256L * 1024 * 1024), HOST_MEMORY).orElseThrow();
        assertThat(usage.cpuPercent()).isCloseTo(50.0, within(0.001));
        assertThat(usage.memoryBytes()).as("usage without inactive page cache").isEqualTo(40_000_000);
        assertThat(usage.memoryLimitBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(usage.pids()).isEqualTo(7);
    }

    @Test
    void aLimitOfTheWholeMachineIsNoLimit() throws Exception {
        ResourceUsage usage = UsageSampler.usage(stats(1, 1, 2, 1, 1000, 0, HOST_MEMORY), HOST_MEMORY).orElseThrow();
        assertThat(usage.memoryLimitBytes()).isZero();
        assertThat(usage.cpuPercent()).isZero();
    }

    @Test
    void anAnswerWithoutReadingsIsNoSample() throws Exception {
        assertThat(UsageSampler.usage(JSON.readValue("{\"read\":\"0001-01-01T00:00:00Z\",\"memory_stats\":{}}", Statistics.class), HOST_MEMORY))
                .isEmpty();
    }
}
