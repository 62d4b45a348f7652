package com.dataplatform.analytics.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.analytics.embed.token.EmbedTokens;
import com.dataplatform.analytics.embed.token.TokenClaims;
import com.dataplatform.testsupport.SuiteInfrastructure;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Real Chromium (Debian's, through the system chromedriver) against the service on a random port. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@SuiteInfrastructure
class BrowserIT {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final List<List<Object>> ROWS = List.of(
            List.of("north", "apples", 10, 1), List.of("north", "pears", 5, 2),
            List.of("south", "apples", 7, 3), List.of("east", "plums", 2.5, 4));

    static ChromeDriverService service;
    static ChromeDriver driver;
    static Path profile;

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    EmbedTokens tokens;

    @BeforeAll
    static void startBrowser() throws Exception {
        assertThat(new File(CHROMIUM).canExecute()).as("Chromium is needed at " + CHROMIUM + ": apt-get install -y chromium").isTrue();
        assertThat(new File(CHROMEDRIVER).canExecute())
                .as("chromedriver is needed at " + CHROMEDRIVER + ": apt-get install -y chromium-driver").isTrue();
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        profile = Files.createTempDirectory("embed-chromium");
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile.toAbsolutePath());
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    private EmbedFixture fixture(List<String> origins) {
        return EmbedFixture.create(new Api(port), new LakeFixture(jdbc), EmbedFixture.freshOrg("w"), ROWS, origins);
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private static Map<String, Double> bars(WebElement area) {
        Map<String, Double> out = new HashMap<>();
        for (WebElement rect : area.findElements(By.cssSelector("g.bar rect"))) {
            out.put(rect.getAttribute("data-label"), Double.parseDouble(rect.getAttribute("data-value")));
        }
        return out;
    }

    @Test
    void three_areas_show_bars_labels_table_and_kpi_that_match_the_data() {
        EmbedFixture f = fixture(List.of());
        driver.get(url("/p/sales?token=" + f.token(new Api(port), Map.of(), 300)));
        WebElement bar = driver.findElement(By.id("area-" + f.bar));
        assertThat(bars(bar)).containsExactlyInAnyOrderEntriesOf(Map.of("north", 15.0, "south", 7.0, "east", 2.5));
        assertThat(bar.findElements(By.cssSelector("text.label"))).extracting(WebElement::getText)
                .containsExactly("east", "north", "south");
        Map<String, Double> heights = new HashMap<>();
        for (WebElement rect : bar.findElements(By.cssSelector("g.bar rect"))) {
            heights.put(rect.getAttribute("data-label"), Double.parseDouble(rect.getAttribute("height")));
        }
        assertThat(heights.get("south") / heights.get("north")).isCloseTo(7.0 / 15.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(bar.findElement(By.cssSelector("svg")).getAttribute("role")).isEqualTo("img");
        assertThat(bar.findElement(By.tagName("h2")).getText()).isEqualTo("Revenue by region");

        WebElement table = driver.findElement(By.id("area-" + f.table));
        List<String> rows = table.findElements(By.cssSelector("tbody tr")).stream().map(WebElement::getText).toList();
        assertThat(rows).containsExactly("apples 4", "pears 2", "plums 4");
        assertThat(driver.findElement(By.id("area-" + f.kpi)).findElement(By.className("kpi-value")).getText())
                .isEqualTo("24.5");
        assertThat(driver.getTitle()).isEqualTo("Sales <b>overview</b>");
    }

    @Test
    void an_expired_token_shows_the_error_page() {
        EmbedFixture f = fixture(List.of());
        Instant now = Instant.now();
        String expired = tokens.issue(new TokenClaims(f.org, f.page, Map.of(), now.minusSeconds(600),
                now.minusSeconds(1)));
        driver.get(url("/p/sales?token=" + expired));
        assertThat(driver.findElement(By.id("error-title")).getText()).isEqualTo("Link expired");
        assertThat(driver.findElements(By.cssSelector("section.area"))).isEmpty();
    }

    @Test
    void hostile_values_in_the_data_do_not_execute() {
        EmbedFixture f = fixture(List.of());
        new LakeFixture(jdbc).insert(f.org, "sales", List.of(
                List.of("<script>window.__xss=1</script>", "<img src=x onerror=\"window.__xss=2\">", 1, 1),
                List.of("\"><svg onload=\"window.__xss=3\">", "</table><script>window.__xss=4</script>", 2, 2)));
        driver.get(url("/p/sales?token=" + f.token(new Api(port), Map.of(), 300)));
        Object flag = ((JavascriptExecutor) driver).executeScript("return window.__xss === undefined ? null : window.__xss;");
        assertThat(flag).isNull();
        assertThat(driver.findElements(By.tagName("img"))).isEmpty();
        assertThat(driver.findElements(By.tagName("script"))).isEmpty();
        WebElement table = driver.findElement(By.id("area-" + f.table));
        assertThat(table.getText()).contains("<img src=x onerror=\"window.__xss=2\">",
                "</table><script>window.__xss=4</script>");
        assertThat(bars(driver.findElement(By.id("area-" + f.bar)))).containsKeys("<script>window.__xss=1</script>",
                "\"><svg onload=\"window.__xss=3\">");
    }

    @Test
    void a_row_filtered_token_shows_only_its_rows() {
        EmbedFixture f = fixture(List.of());
        driver.get(url("/p/sales?token=" + f.token(new Api(port), Map.of("region", "south"), 300)));
        assertThat(bars(driver.findElement(By.id("area-" + f.bar)))).containsExactlyEntriesOf(Map.of("south", 7.0));
        assertThat(driver.findElement(By.id("area-" + f.table)).findElements(By.cssSelector("tbody tr")))
                .extracting(WebElement::getText).containsExactly("apples 3");
        assertThat(driver.findElement(By.id("area-" + f.kpi)).getAttribute("data-state")).isEqualTo("error");
    }

    @Test
    void a_page_framed_from_a_non_allowed_origin_is_blocked_by_csp() throws Exception {
        HttpServer framer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        try {
            framer.start();
            String framerOrigin = "http://127.0.0.1:" + framer.getAddress().getPort();
            Api api = new Api(port);
            EmbedFixture blocked = fixture(List.of("https://partner.example"));
            EmbedFixture allowed = fixture(List.of(framerOrigin));
            String html = "<!DOCTYPE html><html><body>"
                    + "<iframe id=\"allowed\" src=\"" + url("/embed/" + allowed.bar + "?token="
                    + allowed.token(api, Map.of(), 300)) + "\"></iframe>"
                    + "<iframe id=\"blocked\" src=\"" + url("/embed/" + blocked.bar + "?token="
                    + blocked.token(api, Map.of(), 300)) + "\"></iframe></body></html>";
            framer.createContext("/frame", exchange -> {
                byte[] body = html.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            driver.get(framerOrigin + "/frame");
            await().atMost(Duration.ofSeconds(30)).until(() -> areasIn("allowed") == 1);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> areasIn("blocked") == 0);
        } finally {
            driver.switchTo().defaultContent();
            framer.stop(0);
        }
    }

    private static int areasIn(String frame) {
        try {
            driver.switchTo().defaultContent();
            driver.switchTo().frame(frame);
            return driver.findElements(By.cssSelector("section.area")).size();
        } catch (RuntimeException e) {
            return 0;
        } finally {
            driver.switchTo().defaultContent();
        }
    }
}
