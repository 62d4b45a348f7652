package com.dataplatform.common.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AsyncApiDocumentTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void lists_owned_topics_as_send_and_consumed_topics_as_receive_operations() {
        JsonNode doc = json.valueToTree(AsyncApiDocument.forService(SuiteService.ANALYTICS_EMBED, "1.0"));
        assertThat(doc.path("asyncapi").asString()).isEqualTo("3.0.0");
        assertThat(doc.path("channels").path("embedViews").path("address").asString()).isEqualTo("embed.views");
        assertThat(doc.path("channels").path("datasetsChanges").path("address").asString()).isEqualTo("datasets.changes");
        assertThat(doc.path("operations").path("send_embedViews").path("action").asString()).isEqualTo("send");
        assertThat(doc.path("operations").path("receive_datasetsChanges").path("action").asString()).isEqualTo("receive");
        assertThat(doc.path("operations").has("send_datasetsChanges")).isFalse();
        assertThat(doc.path("components").path("messages").path("DatasetUpdated").path("headers").path("properties")
                .path("ce_type").path("const").asString()).isEqualTo("DatasetUpdated");
    }

    @Test
    void every_reference_in_every_service_document_resolves() {
        for (SuiteService s : SuiteService.values()) {
            JsonNode doc = json.valueToTree(AsyncApiDocument.forService(s, "1.0"));
            List<String> refs = new ArrayList<>();
            collectRefs(doc, refs);
            assertThat(refs).as(s.id()).isNotEmpty();
            for (String ref : refs) {
                assertThat(ref).startsWith("#/");
                JsonNode target = doc.at(ref.substring(1));
                assertThat(target.isMissingNode()).as(s.id() + " " + ref).isFalse();
            }
            for (Topic t : TopicCatalog.ownedBy(s)) {
                assertThat(json.writeValueAsString(doc)).contains("\"address\":\"" + t.name() + "\"");
            }
        }
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getKey().equals("$ref")) {
                    refs.add(e.getValue().asString());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }
}
