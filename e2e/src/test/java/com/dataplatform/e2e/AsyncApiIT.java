package com.dataplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClient;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every suite topic on the broker (each created at startup by its owner from the topic catalog) is described in
 * exactly one running service's AsyncAPI document as a topic that service sends, with its event types; every topic
 * a service says it receives is one that exists. Served without a token, as documentation is.
 */
@Order(90)
class AsyncApiIT {

    @Test
    void every_topic_on_the_broker_has_an_asyncapi_entry_served_by_its_one_owner() throws Exception {
        Stack stack = Stack.get();
        Set<String> topics;
        try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
            topics = new TreeSet<>(admin.listTopics().names().get());
        }
        topics.removeIf(t -> t.startsWith("__") || t.endsWith(".dlt"));
        assertThat(topics).contains("datasets.changes", "extract.records", "deploy.events", "calendar.events");

        Map<String, List<String>> senders = new HashMap<>();
        Set<String> received = new TreeSet<>();
        for (String service : List.of(Stack.CI_DEPLOY, Stack.DISTRIBUTOR, Stack.CALENDAR, Stack.EXTRACT,
                Stack.DATAFLOW, Stack.ANALYTICS)) {
            HttpResponse<String> r = Api.send(HttpRequest.newBuilder(URI.create(stack.url(service) + "/asyncapi.json"))
                    .build());
            assertThat(r.statusCode()).as(service).isEqualTo(200);
            JsonNode doc = Api.JSON.readTree(r.body());
            assertThat(doc.path("asyncapi").asString()).as(service).startsWith("3.");
            for (var op : doc.path("operations").properties()) {
                String ref = op.getValue().path("channel").path("$ref").asString();
                JsonNode channel = doc.path("channels").path(ref.substring(ref.lastIndexOf('/') + 1));
                String address = channel.path("address").asString();
                assertThat(channel.path("messages").size()).as(service + " " + address + " event types").isPositive();
                if ("send".equals(op.getValue().path("action").asString())) {
                    senders.computeIfAbsent(address, a -> new java.util.ArrayList<>()).add(service);
                } else {
                    received.add(address);
                }
            }
        }
        for (String topic : topics) {
            assertThat(senders.get(topic)).as("owners documenting " + topic).hasSize(1);
        }
        assertThat(topics).as("topics services say they receive").containsAll(received);
    }
}
