using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalEcs.Faults;
using LocalEcs.Model;

namespace LocalEcs.Admin;

/// /_localecs/*: endpoints for tests and scripts, not part of ECS. API faults never apply to them.
internal static class AdminEndpoints
{
    public const string Prefix = "/_localecs";

    /// Messages quote names with ' : keep them readable instead of \u0027.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Map(WebApplication app, EcsStore store, ApiStats stats, ApiFaults faults)
    {
        var admin = app.MapGroup(Prefix);
        admin.MapGet("/health", () => Results.Text("ok", "text/plain"));
        admin.MapGet("/stats", () => Results.Text(stats.ToJson().ToJsonString(), "application/json"));
        admin.MapPost("/reset", () =>
        {
            store.Reset();
            stats.Reset();
            return Results.Text("reset", "text/plain");
        });

        // Faults on demand: GET shows the live settings ("next" counts down), PUT replaces them, DELETE clears them.
        admin.MapGet("/faults", () => FaultsJson(faults));
        admin.MapPut("/faults", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var text = await reader.ReadToEndAsync();
            try
            {
                faults.Replace(ApiFaultSettings.FromJson(text, faults.StartupSeed));
            }
            catch (FormatException e)
            {
                var error = new JsonObject { ["message"] = e.Message };
                return Results.Text(error.ToJsonString(Readable), "application/json", statusCode: 400);
            }

            return FaultsJson(faults);
        });
        admin.MapDelete("/faults", () =>
        {
            faults.Clear();
            return FaultsJson(faults);
        });
    }

    private static IResult FaultsJson(ApiFaults faults) =>
        Results.Text(faults.Current.ToJson().ToJsonString(), "application/json");
}
