using Cake.EcsDeploy.Deployments;
using Cake.EcsDeploy.TaskDefinitions;

namespace Cake.EcsDeploy.Tasks;

/// <summary>
/// <c>--target=Plan</c>: shows the settings in force (and where each came from) and what Deploy would change in the
/// task definition, reading ECS but changing nothing in it or in the artifacts folder.
/// </summary>
public sealed class Plan : EcsDeployTask
{
    /// <inheritdoc />
    public override string Description => "Shows the settings in force and the task-definition diff a Deploy would register; changes nothing.";

    /// <inheritdoc />
    public override bool ShouldRun(EcsDeployRun run) => run.IsTarget(Name);

    /// <inheritdoc />
    public override string SkipReason => "only run as the target";

    /// <inheritdoc />
    public override bool RecordsErrors => false;

    /// <inheritdoc />
    public override async Task RunAsync(EcsDeployRun run)
    {
        var settings = run.Settings;
        run.Log.Information("Settings in force (argument > environment ECS_DEPLOY_* > settings file > default):");
        if (run.SettingsSources?.FilePath is { } file)
        {
            run.Log.Information($"  settings file: {file}");
        }

        foreach (var (name, _) in EcsDeploySettingsReader.Arguments)
        {
            var value = run.SettingsSources?.Get(name);
            var source = run.SettingsSources?.SourceOf(name) ?? "given";
            run.Log.Information($"  {name,-22} {(value is null ? "(not set)" : value.Length == 0 ? "(set)" : value),-50} {source}");
        }

        var backup = await BackupTaskDefinition.TakeAsync(run, settings.RequireCluster(), settings.RequireService(), force: true);
        var rendered = TaskDefinitionRenderer.Render(backup.TaskDefinition, backup.Tags, settings.RequireImage(), settings.Container);
        var current = await run.Ecs.DescribeServiceAsync(backup.Cluster, backup.Service);
        if (BackupTaskDefinition.IsDeploymentInProgress(current))
        {
            run.Log.Warning($"Another deployment of {backup.Service} is in progress; Deploy would refuse to start without --force.");
        }

        run.Log.Information($"{backup.Service} in {backup.Cluster} runs {DeploymentWaiter.ShortName(backup.TaskDefinitionArn)}. Deploy would register a new revision of family {rendered.Request["family"]} with these changes:");
        var changes = TaskDefinitionDiff.Compare(backup.TaskDefinition, rendered.Request)
            .Where(c => !TaskDefinitionRenderer.ReadOnlyFields.Contains(c.Path) && c.Path != "tags")
            .ToList();
        foreach (var change in changes)
        {
            run.Log.Information($"  {change.Path}: {change.Before ?? "(none)"} -> {change.After ?? "(removed)"}");
        }

        if (changes.Count == 0)
        {
            run.Log.Information("  (no change: the service already runs this image)");
        }

        run.Log.Information($"  dropped before registering (read-only in ECS): {string.Join(", ", TaskDefinitionRenderer.ReadOnlyFields.Where(backup.TaskDefinition.ContainsKey))}");
        run.Log.Information(settings.Verification is { } verification
            ? $"Then it would verify {verification.Url}: {verification.ConsecutiveSuccesses} successes in a row within {verification.Deadline.TotalSeconds:0}s, and roll back to {DeploymentWaiter.ShortName(backup.TaskDefinitionArn)} on failure."
            : "No --verify-url is set: Deploy would refuse to start.");
        run.Log.Information("Plan only: nothing was changed in ECS.");
    }
}
