package io.hybridge.itests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser for console tests: Debian's {@code chromium}, headless, driven through Debian's
 * {@code chromedriver} (both installed by itests/provision/provision.sh). The driver and the
 * browser are given by path, so Selenium Manager never runs and nothing is downloaded.
 *
 * <p>HTTP Basic login: {@link #login} opens a page once with the credentials in the URL, which
 * Chromium accepts for a top-level navigation and keeps for the realm; then it opens the page
 * again without them, so the page's own requests (forms, {@code fetch}) carry no credentials in
 * their URLs, which browsers refuse.
 */
public final class Browser implements AutoCloseable {

    public static final String CHROMIUM = "/usr/bin/chromium";
    public static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Skips without chromium or chromedriver on a developer machine; fails under CI=true. */
    public static void require() {
        Engines.requireExecutable(CHROMIUM, "chromium");
        Engines.requireExecutable(CHROMEDRIVER, "chromium-driver");
    }

    /** Starts a headless Chromium with a fresh profile; its driver log goes to {@code log}. */
    public static Browser headless(Path log) throws IOException {
        require();
        Path profile = Files.createTempDirectory("hybridge-chromium");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
                .usingAnyFreePort()
                .withLogFile(log.toFile())
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM)
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=1600,1200", "--user-data-dir=" + profile,
                        "--no-first-run", "--no-default-browser-check", "--password-store=basic");
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Browser(driver, profile);
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens {@code path} of the gateway logged in as {@code user} (HTTP Basic). */
    public void login(GatewayProcess gateway, String user, String password, String path) {
        String plain = gateway.url(path).toString();
        String withCredentials = plain.replaceFirst("^http://", "http://" + user + ":" + password + "@");
        driver.get(withCredentials);
        driver.get(plain);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
