using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cake.EcsDeploy.TaskDefinitions;

namespace Cake.EcsDeploy.Artifacts;

/// <summary>The task definition the service ran before the deploy, as saved to the artifacts folder.</summary>
/// <param name="TaskDefinitionArn">The revision the service ran.</param>
/// <param name="TaskDefinition">The task definition exactly as DescribeTaskDefinition returned it (wire format).</param>
/// <param name="Tags">The revision's tags (a JSON array of key/value objects; may be empty).</param>
/// <param name="Cluster">The cluster of the service.</param>
/// <param name="Service">The service.</param>
/// <param name="TakenAt">When the backup was written.</param>
public sealed record TaskDefinitionBackup(string TaskDefinitionArn, JsonObject TaskDefinition, JsonArray Tags, string Cluster, string Service, DateTimeOffset TakenAt);

/// <summary>
/// The artifacts folder: <c>task-definition.json.old</c> (the backup, as <c>aws ecs describe-task-definition --query taskDefinition</c>
/// prints it), <c>backup.json</c> (its ARN, tags, cluster and service) and <c>task-definition.json</c> (the rendered revision).
/// Every file is written atomically, so a crash never leaves half a backup.
/// </summary>
public sealed class DeployArtifacts(string directory)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, IndentSize = 4, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The folder, as given.</summary>
    public string Directory { get; } = directory;

    /// <summary>The backup of the task definition the service ran.</summary>
    public string BackupFile => Path.Combine(Directory, "task-definition.json.old");

    /// <summary>The backup's ARN, tags, cluster and service.</summary>
    public string BackupInfoFile => Path.Combine(Directory, "backup.json");

    /// <summary>The rendered task definition (the RegisterTaskDefinition request).</summary>
    public string RenderedFile => Path.Combine(Directory, "task-definition.json");

    /// <summary>Writes the backup files.</summary>
    public void WriteBackup(TaskDefinitionBackup backup)
    {
        // The wire form, which is also what AWS CLI v1 prints (v2 prints timestamps as ISO 8601 instead).
        WriteAtomically(BackupFile, backup.TaskDefinition);
        WriteAtomically(BackupInfoFile, new JsonObject
        {
            ["taskDefinitionArn"] = backup.TaskDefinitionArn,
            ["cluster"] = backup.Cluster,
            ["service"] = backup.Service,
            ["takenAt"] = backup.TakenAt.ToString("O"),
            ["tags"] = backup.Tags.DeepClone(),
        });
    }

    /// <summary>Writes the rendered task definition.</summary>
    public void WriteRendered(RenderedTaskDefinition rendered) => WriteAtomically(RenderedFile, rendered.Request);

    private void WriteAtomically(string path, JsonNode document)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var temporary = path + ".tmp-" + Environment.ProcessId;
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var bytes = Encoding.UTF8.GetBytes(document.ToJsonString(Indented) + "\n");
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
