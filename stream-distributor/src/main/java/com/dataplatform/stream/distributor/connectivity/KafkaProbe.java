package com.dataplatform.stream.distributor.connectivity;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kafka answers if one of this node's bootstrap servers replies to an ApiVersions request on a fresh connection — the
 * route this node's clients take, not a pooled connection that may be stale.
 */
public class KafkaProbe implements Probe {

    private static final short API_VERSIONS = 18;
    private static final short VERSION = 3;

    private final List<InetSocketAddress> servers;
    private final AtomicInteger correlation = new AtomicInteger();

    public KafkaProbe(String bootstrapServers) {
        this.servers = java.util.Arrays.stream(bootstrapServers.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> {
                    int colon = s.lastIndexOf(':');
                    return InetSocketAddress.createUnresolved(s.substring(0, colon),
                            Integer.parseInt(s.substring(colon + 1)));
                }).toList();
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public void check(Duration timeout) throws IOException {
        IOException last = new IOException("no bootstrap servers");
        for (InetSocketAddress server : servers) {
            try {
                apiVersions(new InetSocketAddress(server.getHostString(), server.getPort()), timeout);
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private void apiVersions(InetSocketAddress address, Duration timeout) throws IOException {
        int ms = (int) Math.max(1, timeout.toMillis());
        int id = correlation.incrementAndGet();
        try (Socket socket = new Socket()) {
            socket.connect(address, ms);
            socket.setSoTimeout(ms);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            byte[] request = request(id);
            out.writeInt(request.length);
            out.write(request);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int size = in.readInt();
            int echoed = in.readInt();
            if (size < 6 || echoed != id) {
                throw new IOException("not a Kafka ApiVersions response from " + address);
            }
        }
    }

    /** ApiVersions v3 with request header v2 (flexible): the bytes every Kafka client sends first. */
    private static byte[] request(int correlationId) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(bytes);
        d.writeShort(API_VERSIONS);
        d.writeShort(VERSION);
        d.writeInt(correlationId);
        byte[] clientId = "stream-distributor-probe".getBytes(UTF_8);
        d.writeShort(clientId.length);
        d.write(clientId);
        d.writeByte(0); // header tagged fields
        compactString(d, "stream-distributor");
        compactString(d, "1.0");
        d.writeByte(0); // body tagged fields
        return bytes.toByteArray();
    }

    private static void compactString(DataOutputStream d, String s) throws IOException {
        byte[] b = s.getBytes(UTF_8);
        d.writeByte(b.length + 1); // unsigned varint; short strings fit one byte
        d.write(b);
    }
}
