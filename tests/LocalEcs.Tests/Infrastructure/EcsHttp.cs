using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace LocalEcs.Tests.Infrastructure;

/// Raw JSON 1.1 calls, for fast polling and protocol-level checks.
public sealed class EcsHttp(HttpClient http)
{
    public async Task<(int Status, JsonObject Body, HttpResponseMessage Response)> SendAsync(
        string operation, JsonObject input, string? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/");
        request.Headers.Add("X-Amz-Target", "AmazonEC2ContainerServiceV20141113." + operation);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        request.Content = new StringContent(input.ToJsonString(), Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, (JsonObject)JsonNode.Parse(text)!, response);
    }

    public async Task<JsonObject> CallAsync(string operation, JsonObject input)
    {
        var (status, body, _) = await SendAsync(operation, input);
        return status == 200 ? body : throw new InvalidOperationException($"{operation} → {status}: {body.ToJsonString()}");
    }

    public async Task<JsonObject> ServiceAsync(string cluster, string service)
    {
        var result = await CallAsync("DescribeServices", new JsonObject
        {
            ["cluster"] = cluster,
            ["services"] = new JsonArray(service),
        });
        return result["services"]![0]!.AsObject();
    }
}
