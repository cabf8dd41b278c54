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
/// Where a deploy stands, saved to <c>state.json</c> after every step so that a run that was killed (Ctrl-C, a
/// cancelled CI job) can be noticed and undone by a later one.
/// </summary>
/// <param name="Cluster">The cluster.</param>
/// <param name="Service">The service.</param>
/// <param name="Image">The image being deployed (null for a manual rollback).</param>
/// <param name="BackupTaskDefinitionArn">The revision the service ran before (the rollback target).</param>
/// <param name="NewTaskDefinitionArn">The revision registered for this deploy, once registered.</param>
/// <param name="ServiceChanged">True once UpdateService pointed the service at the new revision.</param>
/// <param name="Phase">The last step reached: backed-up, registered, service-updated, deployed, verified, rolling-back, finished.</param>
/// <param name="Outcome">in-progress until the run ends; then deployed, rolled-back, rollback-failed, invalid-input or error.</param>
/// <param name="StartedAt">When the run started.</param>
/// <param name="UpdatedAt">When this was written.</param>
public sealed record DeployProgress(
    string Cluster,
    string Service,
    string? Image,
    string BackupTaskDefinitionArn,
    string? NewTaskDefinitionArn,
    bool ServiceChanged,
    string Phase,
    string Outcome,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>True when the run that wrote it ended (whatever the outcome); false when it was interrupted or still runs.</summary>
    public bool Finished => Outcome != DeployOutcomes.Name(DeployOutcome.Pending);
}

/// <summary>
/// The artifacts folder: <c>task-definition.json.old</c> (the backup, as <c>aws ecs describe-task-definition --query taskDefinition</c>
/// prints it), <c>backup.json</c> (its ARN, tags, cluster and service), <c>task-definition.json</c> (the rendered revision),
/// <c>state.json</c> (where the deploy stands) and <c>report.json</c> (how it ended).
/// Every file is written atomically, so a crash never leaves half a backup.
/// </summary>
public sealed class DeployArtifacts(string directory)
{
    private static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.Web) { WriteIndented = true, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true };
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, IndentSize = 4, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The folder, as given.</summary>
    public string Directory { get; } = directory;

    /// <summary>The backup of the task definition the service ran.</summary>
    public string BackupFile => Path.Combine(Directory, "task-definition.json.old");

    /// <summary>The backup's ARN, tags, cluster and service.</summary>
    public string BackupInfoFile => Path.Combine(Directory, "backup.json");

    /// <summary>The rendered task definition (the RegisterTaskDefinition request).</summary>
    public string RenderedFile => Path.Combine(Directory, "task-definition.json");

    /// <summary>Where the deploy stands (<see cref="DeployProgress"/>).</summary>
    public string StateFile => Path.Combine(Directory, "state.json");

    /// <summary>How the deploy ended, for people and CI.</summary>
    public string ReportFile => Path.Combine(Directory, "report.json");

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

    /// <summary>Writes <c>state.json</c>.</summary>
    public void WriteProgress(DeployProgress progress) =>
        WriteAtomically(StateFile, JsonSerializer.SerializeToNode(progress, StateJson)!);

    /// <summary>Reads <c>state.json</c>; null when there is none.</summary>
    /// <exception cref="EcsDeployInputException">The file is not a state file (malformed, truncated).</exception>
    public DeployProgress? ReadProgress()
    {
        if (!File.Exists(StateFile))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<DeployProgress>(File.ReadAllText(StateFile), StateJson)
                ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            throw new EcsDeployInputException($"{StateFile} is not a state file written by Cake.EcsDeploy ({e.Message}). Fix or delete it. Nothing was changed in ECS.", e);
        }
    }

    /// <summary>Writes <c>report.json</c>.</summary>
    public void WriteReport(JsonObject report) => WriteAtomically(ReportFile, report);

    /// <summary>
    /// Reads the backup an earlier run wrote (<c>task-definition.json.old</c> and <c>backup.json</c>), checking that
    /// it is whole, so a manual rollback never deploys half a task definition.
    /// </summary>
    /// <exception cref="EcsDeployInputException">The backup is missing, malformed, truncated or inconsistent.</exception>
    public TaskDefinitionBackup ReadBackup()
    {
        JsonObject Read(string path)
        {
            if (!File.Exists(path))
            {
                throw new EcsDeployInputException($"There is no backup in {Directory}: {Path.GetFileName(path)} is missing. Pass the --artifacts folder of the run to undo, or --rollback-to=<task-definition ARN>. Nothing was changed in ECS.");
            }

            try
            {
                return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not a JSON object");
            }
            catch (JsonException e)
            {
                throw new EcsDeployInputException($"The backup file {path} is not valid JSON ({e.Message}); it may be truncated. Nothing was changed in ECS.", e);
            }
        }

        var taskDefinition = Read(BackupFile);
        var info = Read(BackupInfoFile);
        var arn = (string?)taskDefinition["taskDefinitionArn"];
        var problems = new List<string>();
        if (arn is null || !arn.Contains(":task-definition/", StringComparison.Ordinal)) problems.Add("it has no taskDefinitionArn");
        if ((string?)taskDefinition["family"] is null) problems.Add("it has no family");
        if (taskDefinition["containerDefinitions"] is not JsonArray { Count: > 0 } containers || containers.Any(c => (string?)c?["name"] is null || (string?)c?["image"] is null))
            problems.Add("its containerDefinitions are missing or incomplete");
        if (arn is not null && (string?)info["taskDefinitionArn"] != arn) problems.Add($"backup.json names another revision ({(string?)info["taskDefinitionArn"] ?? "none"})");
        if ((string?)info["cluster"] is null || (string?)info["service"] is null) problems.Add("backup.json has no cluster or service");
        if (problems.Count > 0)
        {
            throw new EcsDeployInputException($"The backup in {Directory} cannot be used: {string.Join("; ", problems)}. Nothing was changed in ECS.");
        }

        var takenAt = DateTimeOffset.TryParse((string?)info["takenAt"], out var t) ? t : DateTimeOffset.MinValue;
        return new TaskDefinitionBackup(arn!, taskDefinition, info["tags"] as JsonArray is { } tags ? (JsonArray)tags.DeepClone() : [],
            (string)info["cluster"]!, (string)info["service"]!, takenAt);
    }

    /// <summary>
    /// Moves the files of an unfinished earlier deploy into <c>unfinished-&lt;time&gt;/</c>, so a forced new deploy
    /// does not overwrite the only backup of what the service ran before it. Returns that folder.
    /// </summary>
    public string ArchiveUnfinished(DateTimeOffset now)
    {
        var archive = Path.Combine(Directory, "unfinished-" + now.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        System.IO.Directory.CreateDirectory(archive);
        foreach (var file in new[] { BackupFile, BackupInfoFile, RenderedFile, StateFile, ReportFile }.Where(File.Exists))
        {
            File.Move(file, Path.Combine(archive, Path.GetFileName(file)), overwrite: true);
        }

        return archive;
    }

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
