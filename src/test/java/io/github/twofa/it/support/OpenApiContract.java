package io.github.twofa.it.support;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

/**
 * docs/openapi.yaml as a standard OpenAPI parser reads it, and the check that an answer of the running server is
 * one the document promises: the operation exists, the status is documented for it, and a JSON body matches the
 * schema given for that status. Every call the tests make to our REST endpoints goes through {@link #check}.
 */
public final class OpenApiContract {

    public static final String DOCUMENT = "docs/openapi.yaml";
    private static final SwaggerParseResult PARSED = parse();
    private static final OpenAPI API = PARSED.getOpenAPI();

    private OpenApiContract() {}

    private static SwaggerParseResult parse() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        return new OpenAPIV3Parser().readLocation(DOCUMENT, null, options);
    }

    /** What the parser said about the document: errors and warnings alike (none is the goal). */
    public static List<String> parserMessages() {
        return PARSED.getMessages() == null ? List.of() : PARSED.getMessages();
    }

    public static OpenAPI document() {
        assertNotNull(API, "docs/openapi.yaml could not be parsed: " + parserMessages());
        return API;
    }

    /** Fails unless {@code response} to {@code method path} (path without query) is documented; other paths pass. */
    public static void check(String method, String path, HttpResponse<String> response) {
        for (Map.Entry<String, PathItem> entry : document().getPaths().entrySet()) {
            if (!template(entry.getKey()).matcher(path).matches()) {
                continue;
            }
            Operation operation =
                    entry.getValue().readOperationsMap().get(PathItem.HttpMethod.valueOf(method.toUpperCase()));
            assertNotNull(operation, method + " " + entry.getKey() + " is not in the document");
            String status = String.valueOf(response.statusCode());
            ApiResponse documented = operation.getResponses().get(status);
            assertNotNull(
                    documented,
                    method + " " + entry.getKey() + " answered " + status + ", which the document does not list: "
                            + response.body());
            MediaType json = documented.getContent() == null
                    ? null
                    : documented.getContent().get("application/json");
            if (json != null && json.getSchema() != null) {
                assertTrue(
                        response.body() != null && !response.body().isBlank(),
                        method + " " + path + " " + status + ": empty body");
                Set<ValidationMessage> problems = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4)
                        .getSchema(asJsonSchema(Json.mapper().valueToTree(json.getSchema())))
                        .validate(Http.json(response.body()));
                assertTrue(
                        problems.isEmpty(),
                        method + " " + path + " " + status + " does not match the document: " + problems + "\n"
                                + response.body());
            }
            return;
        }
    }

    private static Pattern template(String documentedPath) {
        return Pattern.compile(documentedPath.replaceAll("\\{[^/}]+}", "[^/]+"));
    }

    /** OpenAPI 3.0's {@code nullable: true} is JSON Schema's {@code type: [T, "null"]}. */
    private static JsonNode asJsonSchema(JsonNode schema) {
        if (schema instanceof ObjectNode object) {
            if (object.path("nullable").asBoolean(false) && object.has("type")) {
                ArrayNode types =
                        object.arrayNode().add(object.get("type").asText()).add("null");
                object.set("type", types);
            }
            object.remove("nullable");
            object.properties().forEach(field -> asJsonSchema(field.getValue()));
        } else if (schema instanceof ArrayNode array) {
            array.forEach(OpenApiContract::asJsonSchema);
        }
        return schema;
    }
}
