/** The container runtime's implementation (docker-java, embedded privately); not exported. */
package io.hybridge.runtime.container.internal;
