using Cake.EcsDeploy.TaskDefinitions;

namespace Cake.EcsDeploy.Tasks;

/// <summary>
/// Writes <c>task-definition.json</c>: the backup with the new image in the chosen container, every other field
/// untouched, the fields RegisterTaskDefinition rejects removed.
/// </summary>
public sealed class RenderTaskDefinition : EcsDeployTask
{
    /// <inheritdoc />
    public override string Description => "Puts the new image into the backed-up task definition and writes <artifacts>/task-definition.json.";

    /// <inheritdoc />
    public override Task RunAsync(EcsDeployRun run)
    {
        var backup = run.State.Backup ?? throw new InvalidOperationException("RenderTaskDefinition needs BackupTaskDefinition to run first.");
        var rendered = TaskDefinitionRenderer.Render(backup.TaskDefinition, backup.Tags, run.Settings.RequireImage(), run.Settings.Container);
        run.Artifacts.WriteRendered(rendered);
        run.State.Rendered = rendered;
        var message = $"Rendered {run.Artifacts.RenderedFile}: container '{rendered.Container}' image {rendered.PreviousImage} -> {run.Settings.Image}";
        run.Mark(Name, message);
        run.Log.Information(message);
        return Task.CompletedTask;
    }
}
