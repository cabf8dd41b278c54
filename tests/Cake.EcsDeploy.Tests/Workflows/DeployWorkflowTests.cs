using System.Text.Json.Nodes;
using Cake.EcsDeploy.Tests.Support;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.Workflows;

/// <summary>
/// .github/workflows/deploy.yml, as users copy it: valid YAML (read with PyYAML), AWS credentials through OIDC
/// with a role, and the whole deploy in one `run: ./build.sh --target=Deploy --image=...` line.
/// </summary>
public class DeployWorkflowTests
{
    private static readonly string WorkflowFile = Path.Combine(RepositoryPaths.Root, ".github", "workflows", "deploy.yml");

    // YAML 1.1 reads the key `on` as the boolean true; GitHub reads it as "on". Put it back before handing over JSON.
    private const string YamlToJson = """
        import json, sys, yaml
        document = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
        if True in document:
            document["on"] = document.pop(True)
        print(json.dumps(document))
        """;

    // Parsed once for the class; each test reads a fresh copy.
    private static readonly Lazy<Task<string>> Parsed = new(ParseAsync);

    private static async Task<JsonObject> LoadAsync() => JsonNode.Parse(await Parsed.Value)!.AsObject();

    private static async Task<string> ParseAsync()
    {
        var result = await ChildProcess.RunAsync("python3", ["-c", YamlToJson, WorkflowFile], timeout: TimeSpan.FromMinutes(1));
        result.ExitCode.ShouldBe(0, $"{WorkflowFile} is not valid YAML (or python3 lacks PyYAML, which the AWS CLI brings):\n{result.StandardError}");
        return result.StandardOutput;
    }

    private static JsonArray Steps(JsonObject workflow) => workflow["jobs"]!["deploy"]!["steps"]!.AsArray();

    private static JsonObject Step(JsonObject workflow, string action) =>
        Steps(workflow).Single(s => s!["uses"]?.GetValue<string>().StartsWith(action + "@", StringComparison.Ordinal) == true)!.AsObject();

    [Fact]
    public async Task Workflow_runs_on_push_to_main_and_by_hand_with_an_image()
    {
        var workflow = await LoadAsync();

        workflow["on"]!["push"]!["branches"]!.AsArray().Select(b => b!.GetValue<string>()).ShouldBe(["main"]);
        var image = workflow["on"]!["workflow_dispatch"]!["inputs"]!["image"]!;
        image["required"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Workflow_gets_aws_credentials_through_oidc_with_a_role()
    {
        var workflow = await LoadAsync();

        workflow["permissions"]!["id-token"]!.GetValue<string>().ShouldBe("write");
        workflow["permissions"]!["contents"]!.GetValue<string>().ShouldBe("read");
        Step(workflow, "actions/setup-dotnet")["with"]!["dotnet-version"]!.GetValue<string>().ShouldBe("10.0.x");
        var credentials = Step(workflow, "aws-actions/configure-aws-credentials")["with"]!;
        credentials["role-to-assume"]!.GetValue<string>().ShouldStartWith("${{ ");
        credentials["aws-region"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        credentials["aws-access-key-id"].ShouldBeNull("no long-lived keys: the role is assumed with GitHub's OIDC token");
    }

    [Fact]
    public async Task Workflow_deploys_in_one_line_after_checkout_dotnet_and_credentials()
    {
        var workflow = await LoadAsync();
        var steps = Steps(workflow).Select(s => s!.AsObject()).ToList();

        var runs = steps.Where(s => s.ContainsKey("run")).ToList();
        var deploy = runs.ShouldHaveSingleItem();
        var line = deploy["run"]!.GetValue<string>().TrimEnd('\n');
        line.ShouldNotContain("\n");
        line.ShouldStartWith("./build.sh --target=Deploy --image=");
        var index = steps.IndexOf(deploy);
        index.ShouldBeGreaterThan(steps.IndexOf(Step(workflow, "actions/checkout")));
        index.ShouldBeGreaterThan(steps.IndexOf(Step(workflow, "actions/setup-dotnet")));
        index.ShouldBeGreaterThan(steps.IndexOf(Step(workflow, "aws-actions/configure-aws-credentials")));
    }

    [Fact]
    public async Task Workflow_keeps_the_deploy_artifacts_even_when_the_deploy_failed()
    {
        var workflow = await LoadAsync();

        var upload = Step(workflow, "actions/upload-artifact");
        upload["if"]!.GetValue<string>().ShouldBe("always()");
        upload["with"]!["path"]!.GetValue<string>().ShouldBe("artifacts/ecs-deploy");
        Steps(workflow).IndexOf(upload).ShouldBeGreaterThan(Steps(workflow).IndexOf(Steps(workflow).Single(s => s!.AsObject().ContainsKey("run"))));
    }

    [Fact]
    public async Task Readme_shows_the_deploy_step_of_the_workflow()
    {
        var workflow = await LoadAsync();
        var line = Steps(workflow).Single(s => s!.AsObject().ContainsKey("run"))!["run"]!.GetValue<string>().TrimEnd('\n');

        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"));
        readme.ShouldContain("run: " + line, Case.Sensitive, customMessage: "README's GitHub Actions section should show the workflow's deploy step as it is");
    }
}
