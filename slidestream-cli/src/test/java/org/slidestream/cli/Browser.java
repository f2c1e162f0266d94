package org.slidestream.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slidestream.testing.ReferenceTools;

/**
 * A headless Chromium driven by the system's chromedriver (Debian {@code chromium} and
 * {@code chromium-driver}), started by the test with a fresh profile and never reaching beyond this
 * machine: no Selenium Manager (the driver and the browser are given by path), no background
 * networking, and host names other than the loopback resolve to nothing.
 */
final class Browser implements AutoCloseable {
    /** The window every test sees: large enough for the viewer and its panel. */
    static final int WIDTH = 1280, HEIGHT = 900;

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts the browser, or skips the calling test (fails it on CI) when chromium or chromedriver is missing. */
    static Browser start() throws IOException {
        ReferenceTools.requireProgram("chromium");
        ReferenceTools.requireProgram("chromedriver");
        Path chromium = which("chromium"), chromedriver = which("chromedriver");
        Path profile = Files.createTempDirectory("slidestream-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                "--window-size=" + WIDTH + "," + HEIGHT, "--force-device-scale-factor=1", "--hide-scrollbars",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().withSilent(true).build();
        try {
            ChromeDriver d = new ChromeDriver(service, options);
            d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(60));
            return new Browser(d, profile);
        } catch (RuntimeException e) {
            delete(profile);
            throw e;
        }
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Opens an address with the browser's cache emptied, so that every resource is requested again. */
    void open(String url) {
        driver.executeCdpCommand("Network.clearBrowserCache", java.util.Map.of());
        driver.get(url);
    }

    /** Turns the browser's network off (or on again): any request then fails at once. */
    void offline(boolean off) {
        driver.executeCdpCommand("Network.enable", java.util.Map.of());
        driver.executeCdpCommand("Network.emulateNetworkConditions", java.util.Map.of(
                "offline", off, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
    }

    /** Runs a script in the page and returns its result (numbers come back as Long or Double). */
    Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** A PNG of the browser's window, also written to {@code file}. */
    byte[] screenshot(Path file) throws IOException {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        Files.createDirectories(file.getParent());
        Files.write(file, png);
        return png;
    }

    private static Path which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return p;
        }
        throw new IllegalStateException(program + " not found on the PATH");
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            delete(profile);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temporary folder left behind
        }
    }

    /** Where a test class's screenshots go: beside the test reports. */
    static Path reportDir(Class<?> test) {
        return Path.of("target", "surefire-reports", test.getSimpleName() + "-screenshots").toAbsolutePath();
    }
}
