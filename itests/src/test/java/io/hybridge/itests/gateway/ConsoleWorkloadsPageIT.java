package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import io.hybridge.itests.support.Browser;
import io.hybridge.itests.support.ConsoleClient;
import io.hybridge.itests.support.Docker;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.Wait;

/**
 * The console's Workloads page in a real browser (Debian chromium, headless) against a real
 * gateway and Docker engine: a pasted spec becomes a workload the page shows with its state and
 * the supervisor's message, a refused spec shows its problem by field and changes nothing, and
 * the remove button (after its confirmation) takes the workload away.
 *
 * <p>Needs a distribution with the workloads bundle and the container runtime in its features.
 */
class ConsoleWorkloadsPageIT {

    private static final String PASSWORD = "itest-Workloads-1";
    private static final String PAGE = "/system/console/workloads";
    /** Nothing listens on 15000 and pullPolicy never forbids a pull anyway: the image cannot be found. */
    private static final String IMAGE = "127.0.0.1:15000/hybridge-test/none:1";
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aPastedSpecIsShownFailingARefusedOneNamesItsFieldAndRemoveTakesItAway() throws Exception {
        Browser.require();
        // the container runtime needs an engine: without one the workload would be engine-unavailable, not failed
        Docker.require();
        try (GatewayProcess gateway = GatewayProcess.install(dir, "gw").env("HYBRIDGE_ADMIN_PASSWORD", PASSWORD)
                .startAndAwaitReady();
             Browser browser = Browser.headless(dir.resolve("chromedriver.log"))) {
            WebDriver page = browser.driver();
            browser.login(gateway, "admin", PASSWORD, PAGE);
            assertThat(page.findElements(By.id("workloads-missing")))
                    .as("the workload supervisor is part of the gateway").isEmpty();
            assertThat(page.findElement(By.id("workloads")).isDisplayed()).isTrue();

            // a spec whose image is not there and may not be pulled: accepted, then failed naming the image
            paste(page, """
                    {"name": "ui-missing-image", "runtime": "container",
                     "image": {"reference": "%s", "pullPolicy": "never"}}
                    """.formatted(IMAGE));
            assertThat(result(page)).contains("Applied workload ui-missing-image");
            // the page's script refreshes the row from status.json every 5 s: no reload here
            WebElement row = until(page, "ui-missing-image shown as failed", () -> {
                List<WebElement> rows = page.findElements(By.cssSelector("tr[data-name='ui-missing-image']"));
                return !rows.isEmpty() && "failed".equals(rows.get(0).getDomAttribute("data-state")) ? rows.get(0) : null;
            });
            assertThat(cell(row, "state").findElement(By.tagName("span")).getDomAttribute("class"))
                    .isEqualTo("wl-state wl-tone-error");
            assertThat(cell(row, "message").getText()).contains("image-not-found").contains(IMAGE);
            assertThat(cell(row, "source").getText()).isEqualTo("console");
            List<String> before = names(page);

            // negative memory: refused by field, nothing changes
            paste(page, """
                    {"name": "ui-negative-memory", "image": {"reference": "%s", "pullPolicy": "never"},
                     "resources": {"memoryMiB": -5}}
                    """.formatted(IMAGE));
            WebElement problem = until(page, "the refused field shown", () -> page.findElements(
                    By.cssSelector("#workload-problems li[data-field='resources.memoryMiB']")).stream().findFirst().orElse(null));
            assertThat(problem.getText()).contains("resources.memoryMiB").contains("-5");
            assertThat(page.findElement(By.id("workload-spec-text")).getDomProperty("value"))
                    .as("the refused text is offered again").contains("\"memoryMiB\": -5");
            assertThat(names(page)).isEqualTo(before).doesNotContain("ui-negative-memory");
            ConsoleClient api = gateway.console(PASSWORD);
            assertThat(api.get("/api/workloads/ui-negative-memory").statusCode()).isEqualTo(404);

            // remove, confirmed in the browser's dialog
            page.findElement(By.cssSelector("tr[data-name='ui-missing-image'] button.wl-remove-button")).click();
            Wait.until("the remove confirmation", Duration.ofSeconds(10), () -> {
                try {
                    page.switchTo().alert().accept();
                    return true;
                } catch (NoAlertPresentException e) {
                    return null;
                }
            });
            until(page, "ui-missing-image gone from the page",
                    () -> page.findElements(By.cssSelector("tr[data-name='ui-missing-image']")).isEmpty());
            assertThat(result(page)).contains("Removed ui-missing-image");
            assertThat(api.get("/api/workloads/ui-missing-image").statusCode()).isEqualTo(404);
            assertThat(api.get("/api/workloads").body()).doesNotContain("ui-missing-image");
        }
    }

    /** Puts a spec into the form's text area as a paste would (all at once) and applies it. */
    private static void paste(WebDriver page, String spec) {
        WebElement text = page.findElement(By.id("workload-spec-text"));
        ((JavascriptExecutor) page).executeScript("arguments[0].value = arguments[1];", text, spec);
        page.findElement(By.id("workload-apply-button")).click();
        until(page, "the page after applying", () -> page.getCurrentUrl().contains("result="));
    }

    private static String result(WebDriver page) {
        return until(page, "the action's result on the page", () -> page.findElements(By.id("workloads-result"))
                .stream().map(WebElement::getText).findFirst().orElse(null));
    }

    /** {@link Wait#until}, with what the page shows at the deadline in the failure. */
    private static <T> T until(WebDriver page, String what, Supplier<T> probe) {
        try {
            return Wait.until(what, DEADLINE, probe);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the page shows:\n" + text(page), e);
        }
    }

    private static WebElement cell(WebElement row, String name) {
        return row.findElement(By.cssSelector("td[data-cell='" + name + "']"));
    }

    private static List<String> names(WebDriver page) {
        return page.findElements(By.cssSelector("#workloads tbody tr[data-name]")).stream()
                .map(row -> row.getDomAttribute("data-name")).toList();
    }

    private static String text(WebDriver page) {
        try {
            return page.findElement(By.tagName("body")).getText();
        } catch (RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
