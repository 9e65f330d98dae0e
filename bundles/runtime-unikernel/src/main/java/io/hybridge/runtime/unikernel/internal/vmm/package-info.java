/**
 * The VMM side of the unikernel runtime: drivers that turn an image and a few numbers into a VMM
 * command line, the accelerator decision, and the supervision of running microVMs (state
 * directories, console log, cgroups, exit detection, adoption after a gateway restart). Not exported.
 */
package io.hybridge.runtime.unikernel.internal.vmm;
