import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo realm's public client "demo-app": serves one page that logs in with authorization code + PKCE and
 * shows the tokens it gets. Run with: java demo/DemoApp.java 8081 http://localhost:8080
 */
public class DemoApp {

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args.length > 0 ? args[0] : "8081");
        String keycloak = args.length > 1 ? args[1] : "http://localhost:8080";
        byte[] page = Files.readString(Path.of("demo/index.html"))
                .replace("__KEYCLOAK_URL__", keycloak)
                .getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("localhost", port), 0);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        server.start();
        System.out.println("Demo app on http://localhost:" + port + "/");
    }
}
