/**
 * The workload spec's outside forms and the rules every spec obeys: the JSON form
 * ({@link io.hybridge.workloads.internal.spec.WorkloadJson}, for {@code *.workload.json} files and
 * {@code WORKLOADS-V1}), the Config Admin form of factory PID {@code io.hybridge.workload}
 * ({@link io.hybridge.workloads.internal.spec.WorkloadProperties}), the general validation
 * ({@link io.hybridge.workloads.internal.spec.SpecValidator}) and the hash of what shapes a running
 * instance ({@link io.hybridge.workloads.internal.spec.SpecHash}).
 *
 * <p>Pure logic without OSGi services. Every reader collects all problems of a spec, each naming
 * the field as the user wrote it, the value and what would be right.
 */
package io.hybridge.workloads.internal.spec;
