using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CovidSeg.Pacs;

/// <summary>
/// The few Orthanc REST calls the worker needs. Transport failures and 502/503/504 (Orthanc down, restarting or behind a
/// proxy that lost it) are retried with <see cref="RetryPolicy"/> until they succeed or the token is cancelled; other
/// errors raise <see cref="OrthancRequestException"/> with one line. Credentials go in a header, never in a URL or log.
/// </summary>
public sealed class OrthancClient : IDisposable
{
    private readonly HttpClient http;
    private readonly RetryPolicy retry;
    private readonly Action<string> log;

    public OrthancClient(Uri baseUri, OrthancCredentials? credentials, RetryPolicy retry, Action<string> log, TimeSpan? requestTimeout = null)
    {
        CheckUrl(baseUri);
        BaseUri = new Uri(baseUri.ToString().TrimEnd('/') + "/");
        this.retry = retry;
        this.log = log;
        this.http = new HttpClient { BaseAddress = BaseUri, Timeout = requestTimeout ?? TimeSpan.FromMinutes(5) };
        if (credentials is not null)
            this.http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials.User + ":" + credentials.Password)));
    }

    public Uri BaseUri { get; }

    /// <summary>Refuses a URL that is not http(s) or that carries credentials (they would show in <c>ps</c> and logs).</summary>
    public static void CheckUrl(Uri baseUri)
    {
        if (!baseUri.IsAbsoluteUri || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
            throw new CovidSegException($"--orthanc must be an http:// or https:// URL, got {baseUri}");
        if (baseUri.UserInfo.Length > 0)
            throw new CovidSegException($"--orthanc must not hold credentials: set {OrthancCredentials.UserVariable} and {OrthancCredentials.PasswordVariable} or use --credentials-file");
    }

    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), ct, HttpStatusCode.OK);
        return await ReadJsonAsync(response, ct);
    }

    /// <summary>GET returning null on 404 (the resource was deleted meanwhile).</summary>
    public async Task<JsonElement?> TryGetJsonAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), ct, HttpStatusCode.OK, HttpStatusCode.NotFound);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadJsonAsync(response, ct);
    }

    public async Task<byte[]> GetBytesAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), ct, HttpStatusCode.OK);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    public async Task<JsonElement> PostBytesAsync(string path, byte[] body, CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, path) { Content = Binary(body) }, ct, HttpStatusCode.OK);
        return await ReadJsonAsync(response, ct);
    }

    /// <summary>A metadata value and its ETag, or null when the resource has none under that name.</summary>
    public async Task<MetadataValue?> GetMetadataAsync(string resource, int index, CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"{resource}/metadata/{index}"), ct, HttpStatusCode.OK, HttpStatusCode.NotFound);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        string value = await response.Content.ReadAsStringAsync(ct);
        return new MetadataValue(value, ETagOf(response, $"{resource}/metadata/{index}"));
    }

    /// <summary>
    /// Compare-and-set: creates the value when <paramref name="etag"/> is null (refused if it exists, with CheckRevisions),
    /// else replaces it only if it is still at that revision. Returns the new ETag, or null when another writer won.
    /// </summary>
    public async Task<string?> PutMetadataAsync(string resource, int index, string value, string? etag, CancellationToken ct)
    {
        string path = $"{resource}/metadata/{index}";
        using (var response = await SendAsync(() => WithIfMatch(new HttpRequestMessage(HttpMethod.Put, path) { Content = Text(value) }, etag),
                   ct, HttpStatusCode.OK, HttpStatusCode.Conflict, HttpStatusCode.PreconditionFailed))
            if (response.StatusCode != HttpStatusCode.OK) return null;
        // Orthanc 1.10's built-in SQLite index answers a PUT with the next revision but keeps revision 0 (only the MD5
        // changes), so the ETag to match next is the one a GET gives. Our values are unique (worker, time), so reading
        // back our own value means nobody has written since.
        var stored = await GetMetadataAsync(resource, index, ct);
        return stored is not null && stored.Value == value ? stored.ETag : null;
    }

    /// <summary>Deletes a value if it is still at <paramref name="etag"/>; false when another writer changed it first.</summary>
    public async Task<bool> DeleteMetadataAsync(string resource, int index, string etag, CancellationToken ct)
    {
        using var response = await SendAsync(() => WithIfMatch(new HttpRequestMessage(HttpMethod.Delete, $"{resource}/metadata/{index}"), etag),
            ct, HttpStatusCode.OK, HttpStatusCode.Conflict, HttpStatusCode.PreconditionFailed, HttpStatusCode.NotFound);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>Sets a metadata value whatever it was (the last writer wins): for results, not for claims.</summary>
    public async Task SetMetadataAsync(string resource, int index, string value, CancellationToken ct)
    {
        for (int attempt = 0; ; attempt++)
        {
            var current = await GetMetadataAsync(resource, index, ct);
            if (await PutMetadataAsync(resource, index, value, current?.ETag, ct) is not null) return;
            if (attempt == 5) throw new OrthancRequestException(409, $"{resource}/metadata/{index} kept changing under us (HTTP 409)");
        }
    }

    /// <summary>Stores an attachment whatever was there before.</summary>
    public async Task SetAttachmentAsync(string resource, int index, byte[] data, CancellationToken ct)
    {
        string path = $"{resource}/attachments/{index}";
        for (int attempt = 0; ; attempt++)
        {
            string? etag = null;
            using (var existing = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path + "/md5"), ct, HttpStatusCode.OK, HttpStatusCode.NotFound))
                if (existing.StatusCode == HttpStatusCode.OK) etag = ETagOf(existing, path);
            using var response = await SendAsync(() => WithIfMatch(new HttpRequestMessage(HttpMethod.Put, path) { Content = Binary(data) }, etag),
                ct, HttpStatusCode.OK, HttpStatusCode.Conflict, HttpStatusCode.PreconditionFailed);
            if (response.StatusCode == HttpStatusCode.OK) return;
            if (attempt == 5) throw new OrthancRequestException(409, $"{path} kept changing under us (HTTP 409)");
        }
    }

    private static HttpRequestMessage WithIfMatch(HttpRequestMessage request, string? etag)
    {
        if (etag is not null) request.Headers.TryAddWithoutValidation("If-Match", etag);
        return request;
    }

    private static ByteArrayContent Binary(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private static StringContent Text(string value) => new(value, Encoding.UTF8, "text/plain");

    private static string ETagOf(HttpResponseMessage response, string path) =>
        response.Headers.TryGetValues("ETag", out var values) ? values.First()
            : throw new OrthancRequestException((int)response.StatusCode, $"Orthanc sent no ETag for {path}: it must be 1.9.2 or later (metadata revisions)");

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        return document.RootElement.Clone();
    }

    /// <summary>Sends a request, retrying while Orthanc cannot be reached; a status outside <paramref name="expected"/> is an error.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> make, CancellationToken ct, params HttpStatusCode[] expected)
    {
        for (int attempt = 1; ; attempt++)
        {
            using var request = make();
            string what = $"{request.Method} {request.RequestUri}";
            string problem;
            try
            {
                var response = await this.http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
                int status = (int)response.StatusCode;
                if (expected.Contains(response.StatusCode)) return response;
                string detail = await DetailOf(response, ct);
                response.Dispose();
                if (status is 502 or 503 or 504)
                    problem = $"HTTP {status}";
                else if (status is 401 or 403)
                    throw new OrthancRequestException(status, $"Orthanc at {BaseUri} refused the credentials (HTTP {status}): set {OrthancCredentials.UserVariable} and {OrthancCredentials.PasswordVariable} or use --credentials-file");
                else
                    throw new OrthancRequestException(status, $"Orthanc answered HTTP {status} to {what}{detail}");
            }
            catch (HttpRequestException e)
            {
                problem = e.Message;
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                problem = $"no answer within {this.http.Timeout.TotalSeconds:0} s";
            }
            var delay = this.retry.Delay(attempt);
            this.log($"Orthanc at {BaseUri} unreachable ({problem}) on {what}; retry {attempt} in {delay.TotalSeconds:0.#} s");
            await Task.Delay(delay, ct);
        }
    }

    private static async Task<string> DetailOf(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            foreach (string name in new[] { "Details", "Message" })
                if (doc.RootElement.TryGetProperty(name, out var v) && v.GetString() is { Length: > 0 } s)
                    return ": " + s.Split('\n')[0].Trim();
        }
        catch (JsonException) { }
        return "";
    }

    public void Dispose() => this.http.Dispose();
}
