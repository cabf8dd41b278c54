using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cake.EcsDeploy;

/// <summary>
/// Where a setting's value comes from, in order: the Cake argument (<c>--verify-url=...</c>), then the environment
/// (<c>ECS_DEPLOY_VERIFY_URL</c>), then the repository's settings file (<c>ecs-deploy.json</c>: <c>{"verify-url": "..."}</c>).
/// A team keeps its defaults in the file, CI overrides with the environment, a person with arguments.
/// </summary>
public sealed class EcsDeploySettingsSources
{
    /// <summary>The settings file looked for in the working directory when <c>--settings-file</c> is not given.</summary>
    public const string DefaultFileName = "ecs-deploy.json";

    private readonly Func<string, string?> _argument;
    private readonly Func<string, string?> _environment;
    private readonly IReadOnlyDictionary<string, string> _file;

    private EcsDeploySettingsSources(Func<string, string?> argument, Func<string, string?> environment, IReadOnlyDictionary<string, string> file, string? filePath)
    {
        _argument = argument;
        _environment = environment;
        _file = file;
        FilePath = filePath;
    }

    /// <summary>The settings file that was read, or null when there was none.</summary>
    public string? FilePath { get; }

    /// <summary>The environment variable that sets <paramref name="name"/>: <c>verify-url</c> → <c>ECS_DEPLOY_VERIFY_URL</c>.</summary>
    public static string EnvironmentName(string name) => "ECS_DEPLOY_" + name.ToUpperInvariant().Replace('-', '_');

    /// <summary>
    /// Combines the three sources. The settings file is <c>--settings-file</c> (or <c>ECS_DEPLOY_SETTINGS_FILE</c>),
    /// relative to <paramref name="workingDirectory"/>; else <c>ecs-deploy.json</c> there, when it exists.
    /// </summary>
    /// <exception cref="EcsDeployInputException">The settings file is missing (when named), malformed, or has unknown keys.</exception>
    public static EcsDeploySettingsSources Create(Func<string, string?> argument, Func<string, string?> environment, string workingDirectory)
    {
        var named = Blank(argument("settings-file")) ?? Blank(environment(EnvironmentName("settings-file")));
        var path = Path.GetFullPath(named ?? DefaultFileName, workingDirectory);
        if (named is not null && !File.Exists(path))
        {
            throw new EcsDeployInputException($"The settings file {path} (--settings-file) does not exist. Nothing was changed in ECS.");
        }

        return File.Exists(path)
            ? new EcsDeploySettingsSources(argument, environment, ReadFile(path), path)
            : new EcsDeploySettingsSources(argument, environment, new Dictionary<string, string>(), null);
    }

    /// <summary>The value of a setting, or null when no source sets it. A bare <c>--flag</c> argument is an empty value.</summary>
    public string? Get(string name) =>
        _argument(name) ?? Blank(_environment(EnvironmentName(name))) ?? (_file.TryGetValue(name, out var value) ? value : null);

    /// <summary>Which source set a setting: argument, environment, file, or default (for the Plan target).</summary>
    public string SourceOf(string name) =>
        _argument(name) is not null ? "argument"
        : Blank(_environment(EnvironmentName(name))) is not null ? "environment (" + EnvironmentName(name) + ")"
        : _file.ContainsKey(name) ? "settings file"
        : "default";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static Dictionary<string, string> ReadFile(string path)
    {
        JsonObject document;
        try
        {
            document = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new JsonException("expected a JSON object of setting names and values");
        }
        catch (JsonException e)
        {
            throw new EcsDeployInputException($"The settings file {path} is not valid JSON ({e.Message}). Nothing was changed in ECS.", e);
        }

        var known = EcsDeploySettingsReader.Arguments.Select(a => a.Name).ToHashSet();
        var values = new Dictionary<string, string>();
        var problems = new List<string>();
        foreach (var (name, node) in document)
        {
            if (!known.Contains(name))
            {
                problems.Add($"unknown setting \"{name}\"");
            }
            else if (node is JsonValue value && value.GetValueKind() is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                values[name] = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : Convert.ToString(value.ToJsonString(), CultureInfo.InvariantCulture);
            }
            else
            {
                problems.Add($"\"{name}\" must be a string, number or true/false");
            }
        }

        return problems.Count == 0
            ? values
            : throw new EcsDeployInputException($"The settings file {path} has {string.Join(", ", problems)}. Known settings: {string.Join(", ", known)}. Nothing was changed in ECS.");
    }
}
