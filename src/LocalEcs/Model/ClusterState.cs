using System.Text.Json.Nodes;

namespace LocalEcs.Model;

internal sealed class ClusterState
{
    // Stopped tasks stay describable for a while in ECS; keep a bounded number so crash loops don't grow memory.
    private const int MaxStoppedTasks = 500;

    public required string Name { get; init; }
    public required string Arn { get; init; }
    public required string Region { get; init; }
    public string Status { get; set; } = "ACTIVE";
    public List<Tag> Tags { get; } = [];
    public JsonArray? Settings { get; set; }
    public JsonObject? Configuration { get; set; }
    public Dictionary<string, ServiceState> Services { get; } = new(StringComparer.Ordinal);
    public List<TaskState> Tasks { get; } = [];

    public void PruneStoppedTasks()
    {
        var stopped = Tasks.Count(t => t.IsStopped);
        if (stopped <= MaxStoppedTasks)
        {
            return;
        }

        var remove = Tasks.Where(t => t.IsStopped).OrderBy(t => t.StoppedAt).Take(stopped - MaxStoppedTasks).ToHashSet();
        Tasks.RemoveAll(remove.Contains);
    }
}
