/** The workload supervisor's implementation; not exported. */
package io.hybridge.workloads.internal;
