using LocalEcs.Model;

namespace LocalEcs.Admin;

/// /_localecs/*: endpoints for tests and scripts, not part of ECS. Fault injection belongs here later.
internal static class AdminEndpoints
{
    public const string Prefix = "/_localecs";

    public static void Map(WebApplication app, EcsStore store, ApiStats stats)
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
    }
}
