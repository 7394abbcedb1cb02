using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CovidSeg.Tests.Viewer;

/// <summary>
/// Debian's Chromium, headless, driven over the DevTools protocol (JSON over a WebSocket) with no extra package:
/// navigate, evaluate script (awaiting promises), take a screenshot. One page, a fresh profile, killed on dispose.
/// </summary>
public sealed partial class HeadlessChromium : IDisposable
{
    private readonly Process process;
    private readonly ClientWebSocket socket = new();
    private readonly TempFolder profile;
    private int nextId;

    public static string? Executable => new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    private HeadlessChromium(Process process, TempFolder profile) => (this.process, this.profile) = (process, profile);

    public static async Task<HeadlessChromium> StartAsync(int width = 1400, int height = 900)
    {
        var info = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("chromium is not installed"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var profile = new TempFolder();
        // As root Chromium needs --no-sandbox; the rest keeps it off the network and quiet.
        foreach (string a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                     "--force-device-scale-factor=1", $"--window-size={width},{height}", "--remote-debugging-port=0",
                     $"--user-data-dir={profile.Path}", "about:blank" })
            info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        var chromium = new HeadlessChromium(process, profile);
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        // Chromium prints "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" on stderr.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int port = 0;
        while (port == 0)
        {
            string? line = await process.StandardError.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("chromium exited before listening");
            var m = DevToolsLine().Match(line);
            if (m.Success) port = int.Parse(m.Groups[1].Value);
        }
        _ = Task.Run(async () => { while (await process.StandardError.ReadLineAsync() is not null) { } });
        using var http = new HttpClient();
        var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list", timeout.Token))!.AsArray();
        string page = targets.First(t => t!["type"]!.GetValue<string>() == "page")!["webSocketDebuggerUrl"]!.GetValue<string>();
        await chromium.socket.ConnectAsync(new Uri(page), timeout.Token);
        return chromium;
    }

    /// <summary>Opens <paramref name="url"/> and waits until <paramref name="readyScript"/> is true (polled).</summary>
    public async Task NavigateAsync(string url, string readyScript = "document.readyState === 'complete'")
    {
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        // While the page is being replaced the script may see no body yet: that counts as not ready.
        string guarded = $"(() => {{ try {{ return !!({readyScript}); }} catch {{ return false; }} }})()";
        while (!((await EvaluateAsync(guarded))?.GetValue<bool>() ?? false))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{url}: '{readyScript}' never became true");
            await Task.Delay(100);
        }
    }

    /// <summary>The value of a script expression (a promise is awaited); a script exception fails with its text.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true });
        if (result["exceptionDetails"] is { } error) throw new InvalidOperationException($"script failed: {error.ToJsonString()}");
        return result["result"]!["value"];
    }

    /// <summary>A PNG of the page as shown.</summary>
    public async Task<byte[]> ScreenshotAsync()
    {
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
        return Convert.FromBase64String(result["data"]!.GetValue<string>());
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject parameters)
    {
        int id = ++nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            // Events arrive between answers; a message may span several frames.
            using var text = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer, timeout.Token);
                text.Write(buffer, 0, received.Count);
            } while (!received.EndOfMessage);
            var reply = JsonNode.Parse(text.ToArray())!.AsObject();
            if (reply["id"]?.GetValue<int>() != id) continue;
            if (reply["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
            return reply["result"]!.AsObject();
        }
    }

    public void Dispose()
    {
        socket.Dispose();
        try
        {
            this.process.Kill(entireProcessTree: true);
            this.process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { }
        this.process.Dispose();
        this.profile.Dispose();
    }

    [GeneratedRegex(@"DevTools listening on ws://127\.0\.0\.1:(\d+)/")]
    private static partial Regex DevToolsLine();
}
