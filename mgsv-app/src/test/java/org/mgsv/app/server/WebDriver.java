package org.mgsv.app.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A minimal W3C WebDriver client for chromedriver over plain HTTP (no extra dependencies). */
final class WebDriver implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

    private final Process driver;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String session;

    WebDriver(String chromedriver, String chromium, Path profile, Path log) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        driver = new ProcessBuilder(chromedriver, "--port=" + port, "--log-path=" + log).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        base = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                call("GET", "/status", null);
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("chromedriver did not start", e);
                }
                Thread.sleep(100);
            }
        }
        ObjectNode caps = JSON.createObjectNode();
        ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
        always.put("browserName", "chrome");
        ObjectNode opts = always.putObject("goog:chromeOptions");
        opts.put("binary", chromium);
        var args = opts.putArray("args");
        for (String a : List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,960",
                "--autoplay-policy=no-user-gesture-required", "--mute-audio")) {
            args.add(a);
        }
        JsonNode r = call("POST", "/session", caps);
        session = r.get("value").get("sessionId").asText();
    }

    JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else if (method.equals("POST")) {
            b.POST(HttpRequest.BodyPublishers.ofString("{}"));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode j = JSON.readTree(r.body());
        if (r.statusCode() >= 400) {
            throw new IllegalStateException("webdriver " + method + " " + path + ": " + r.body());
        }
        return j;
    }

    private String s(String path) {
        return "/session/" + session + path;
    }

    void open(String url) throws Exception {
        call("POST", s("/url"), JSON.createObjectNode().put("url", url));
    }

    String find(String css) throws Exception {
        JsonNode r = call("POST", s("/element"), JSON.createObjectNode().put("using", "css selector").put("value", css));
        return r.get("value").get(ELEMENT).asText();
    }

    void sendKeys(String element, String text) throws Exception {
        call("POST", s("/element/" + element + "/value"), JSON.createObjectNode().put("text", text));
    }

    void click(String element) throws Exception {
        call("POST", s("/element/" + element + "/click"), null);
    }

    JsonNode script(String js) throws Exception {
        ObjectNode b = JSON.createObjectNode().put("script", js);
        b.putArray("args");
        return call("POST", s("/execute/sync"), b).get("value");
    }

    /** Polls a script until it returns true. */
    boolean waitFor(String js, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (script(js).asBoolean(false)) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    byte[] screenshot() throws Exception {
        return Base64.getDecoder().decode(call("GET", s("/screenshot"), null).get("value").asText());
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                call("DELETE", s(""), null);
            }
        } catch (Exception e) {
            // the browser is going away anyway
        }
        driver.destroy();
        try {
            if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
