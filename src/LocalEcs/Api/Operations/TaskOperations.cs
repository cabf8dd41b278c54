using System.Text.Json.Nodes;
using LocalEcs.Api.Rendering;
using LocalEcs.Model;

namespace LocalEcs.Api.Operations;

internal static class TaskOperations
{
    public static JsonObject ListTasks(EcsRequest request)
    {
        var input = request.Input;
        var cluster = request.Cluster();
        var serviceName = input.Str("serviceName") is { } s ? Arns.ServiceName(s) : null;
        if (serviceName is not null && !cluster.Services.ContainsKey(serviceName))
        {
            throw EcsException.ServiceNotFound();
        }

        var family = input.Str("family");
        var startedBy = input.Str("startedBy");
        var launchType = input.Str("launchType");
        // desiredStatus RUNNING (the default) also lists tasks that are still starting.
        var desiredStatus = input.Str("desiredStatus") ?? "RUNNING";
        var arns = cluster.Tasks
            .Where(t => t.DesiredStatus == desiredStatus)
            .Where(t => serviceName is null || t.Service.Name == serviceName)
            .Where(t => family is null || t.TaskDefinition.Family == family)
            .Where(t => startedBy is null || t.DeploymentId == startedBy)
            .Where(t => launchType is null || t.LaunchType == launchType)
            .Select(t => t.Arn)
            .ToList();
        return Pagination.Page(request, arns, "taskArns", defaultMax: 100);
    }

    public static JsonObject DescribeTasks(EcsRequest request)
    {
        var cluster = request.Cluster();
        var references = request.Input.StrList("tasks");
        if (references.Count is 0 or > 100)
        {
            throw EcsException.InvalidParameter("Tasks cannot be empty.");
        }

        var tags = request.Input.Includes("TAGS");
        var tasks = new JsonArray();
        var failures = new JsonArray();
        foreach (var reference in references)
        {
            var id = Arns.TaskId(reference);
            var task = cluster.Tasks.FirstOrDefault(t => t.Id == id);
            if (task is not null)
            {
                tasks.Add(TaskJson.Render(task, tags));
            }
            else
            {
                failures.Add(new JsonObject { ["arn"] = reference, ["reason"] = "MISSING" });
            }
        }

        return new JsonObject { ["tasks"] = tasks, ["failures"] = failures };
    }
}
