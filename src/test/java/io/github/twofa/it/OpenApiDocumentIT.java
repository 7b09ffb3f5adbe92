package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.github.twofa.it.support.Http;
import io.github.twofa.it.support.OpenApiContract;
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

    /** What a standard OpenAPI tool reads (it once read half of a description as a property name). */
    @Test
    void givenTheDocument_whenAStandardOpenApiParserReadsIt_thenItReportsNoErrorOrWarning() {
        assertEquals(List.of(), OpenApiContract.parserMessages());
        assertEquals("3.0.3", OpenApiContract.document().getOpenapi());
    }

    @Test
    @SuppressWarnings("unchecked")
    void givenTheDocument_whenEachOperationIsCalledWithoutAToken_thenItExistsAndAnswersADocumentedError()
            throws IOException {
        Map<String, Object> doc = document();
        List<String> errorCodes =
                (List<String>) at(doc, "components", "schemas", "Error", "properties", "error", "enum");
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        assertEquals(
                16,
                paths.values().stream()
                        .mapToLong(path -> path.keySet().stream()
                                .filter(k -> !k.equals("parameters"))
                                .count())
                        .sum(),
                "operations documented");
        HttpClient http = HttpClient.newHttpClient();

        paths.forEach((path, operations) -> operations.keySet().stream()
                .filter(k -> !k.equals("parameters"))
                .forEach(method -> {
                    String url = server.baseUrl()
                            + path.replace("{realm}", "demo")
                                    .replace("{userId}", "some-user")
                                    .replace("{id}", "some-app");
                    HttpResponse<String> response = Http.send(
                            http,
                            HttpRequest.newBuilder(URI.create(url))
                                    .header("Content-Type", "application/json")
                                    .method(
                                            method.toUpperCase(),
                                            method.equals("get")
                                                    ? HttpRequest.BodyPublishers.noBody()
                                                    : HttpRequest.BodyPublishers.ofString("{}"))
                                    .build());
                    assertEquals(401, response.statusCode(), method + " " + path + ": " + response.body());
                    OpenApiContract.check(method, URI.create(url).getPath(), response);
                    assertTrue(
                            ((Map<String, Object>) operations.get(method))
                                    .get("responses")
                                    .toString()
                                    .contains("401"),
                            method + " " + path + " does not document 401");
                    if (path.startsWith("/realms/")) {
                        assertTrue(
                                errorCodes.contains(
                                        Http.json(response.body()).get("error").asText()),
                                response.body());
                    }
                }));
    }
}
