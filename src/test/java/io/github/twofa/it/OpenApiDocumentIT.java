package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.RealServerTest;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** docs/openapi.yaml describes what the server serves: every documented operation exists and errors are named there. */
class OpenApiDocumentIT extends RealServerTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> document() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("docs/openapi.yaml"))) {
            return new Yaml().load(in);
        }
    }

    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> map, String... keys) {
        Object node = map;
        for (String key : keys) {
            node = ((Map<String, Object>) node).get(key);
        }
        return node;
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenTheDocument_whenEachOperationIsCalledWithoutAToken_thenItExistsAndAnswersADocumentedError() throws IOException {
        Map<String, Object> doc = document();
        List<String> errorCodes = (List<String>) at(doc, "components", "schemas", "Error", "properties", "error", "enum");
        ApiClient api = new ApiClient(server, "demo");
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        assertEquals(8, paths.values().stream().mapToInt(Map::size).sum(), "operations documented");

        paths.forEach((path, operations) -> operations.keySet().forEach(method -> {
            String concrete = "two-factor" + path.replace("{userId}", "some-user");
            HttpResponse<String> response = api.call(method.toUpperCase(), concrete, null, method.equals("get") ? null : "{}");
            assertEquals(401, response.statusCode(), method + " " + path + ": " + response.body());
            assertTrue(((Map<String, Object>) operations.get(method)).get("responses").toString().contains("401"),
                    method + " " + path + " does not document 401");
            assertTrue(errorCodes.contains(ApiClient.json(response).get("error").asText()), response.body());
        }));
    }
}
