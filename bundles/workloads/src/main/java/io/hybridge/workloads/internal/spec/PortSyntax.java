package io.hybridge.workloads.internal.spec;

import io.hybridge.api.workload.WorkloadSpec.Port;

/**
 * The compact form of a published port, {@code [ip:]hostPort:containerPort[/tcp|udp]} (an IPv6
 * address in brackets: {@code [::1]:8080:80}), as Docker's {@code -p} writes it. Used by the JSON
 * form's {@code ports} and the configuration property {@code ports}.
 */
final class PortSyntax {

    static final String FORM = "[ip:]hostPort:containerPort[/tcp|udp], e.g. 8080:80 or 127.0.0.1:5353:53/udp";

    private PortSyntax() {
    }

    /**
     * Reads the shape only; ranges, the protocol's value and the address are the validator's.
     *
     * @throws IllegalArgumentException with a message naming the text and the form to use
     */
    static Port parse(String text) {
        String rest = text.trim();
        String protocol = "tcp";
        int slash = rest.lastIndexOf('/');
        if (slash >= 0) {
            protocol = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        String hostIp = "";
        if (rest.startsWith("[")) {
            int close = rest.indexOf("]:");
            if (close < 0) {
                throw wrong(text, "an IPv6 address needs ']:' after it");
            }
            hostIp = rest.substring(1, close);
            rest = rest.substring(close + 2);
        }
        String[] parts = rest.split(":", -1);
        if (parts.length == 3 && hostIp.isEmpty()) {
            hostIp = parts[0];
        } else if (parts.length != 2) {
            throw wrong(text, parts.length == 1 ? "it has no host port" : "it has too many ':'");
        }
        int hostPort = number(text, parts[parts.length - 2], "host port");
        int containerPort = number(text, parts[parts.length - 1], "container port");
        return new Port(hostIp, hostPort, containerPort, protocol);
    }

    static String format(Port port) {
        StringBuilder text = new StringBuilder();
        if (!port.hostIp().isEmpty()) {
            text.append(port.hostIp().contains(":") ? "[" + port.hostIp() + "]" : port.hostIp()).append(':');
        }
        text.append(port.hostPort()).append(':').append(port.containerPort());
        if (!port.protocol().equals("tcp")) {
            text.append('/').append(port.protocol());
        }
        return text.toString();
    }

    private static int number(String text, String digits, String what) {
        if (!digits.matches("[0-9]{1,5}")) {
            throw wrong(text, "the " + what + " " + Problems.show(digits) + " is not a number");
        }
        return Integer.parseInt(digits);
    }

    private static IllegalArgumentException wrong(String text, String why) {
        return new IllegalArgumentException(Problems.show(text) + " is not a port mapping (" + why + "); use " + FORM);
    }
}
