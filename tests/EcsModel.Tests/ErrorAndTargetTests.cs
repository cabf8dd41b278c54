using System.Text.Json;
using EcsModel;
using Shouldly;

namespace EcsModel.Tests;

public sealed class ErrorAndTargetTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    private readonly BotocoreEcsModel _model = fixture.Model;

    [Fact]
    public void Model_loads_from_the_installed_botocore()
    {
        _model.TargetPrefix.ShouldBe("AmazonEC2ContainerServiceV20141113");
        _model.OperationNames.ShouldContain("RegisterTaskDefinition");
        _model.OperationNames.ShouldContain("DescribeServices");
        _model.OperationNames.Count.ShouldBeGreaterThan(50);
    }

    [Fact]
    public void Load_reads_a_plain_json_copy_too()
    {
        var gz = BotocoreEcsModelPaths.InstalledServiceModel();
        var plain = Path.Combine(Path.GetTempPath(), $"ecs-service-2-{Guid.NewGuid():N}.json");
        try
        {
            using (var input = new System.IO.Compression.GZipStream(File.OpenRead(gz), System.IO.Compression.CompressionMode.Decompress))
            using (var output = File.Create(plain))
            {
                input.CopyTo(output);
            }

            var model = BotocoreEcsModel.Load(plain);
            model.OperationNames.ShouldBe(_model.OperationNames);
        }
        finally
        {
            File.Delete(plain);
        }
    }

    [Theory]
    [InlineData("AmazonEC2ContainerServiceV20141113.DescribeServices", "DescribeServices")]
    [InlineData("AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition", "RegisterTaskDefinition")]
    [InlineData("AmazonEC2ContainerServiceV20141113.DescribeService", null)]
    [InlineData("AmazonEC2ContainerServiceV20141113.describeServices", null)]
    [InlineData("AmazonEC2ContainerServiceV20141114.DescribeServices", null)]
    [InlineData("DescribeServices", null)]
    [InlineData("", null)]
    public void OperationFromTarget_maps_the_header(string header, string? expected)
    {
        _model.OperationFromTarget(header).ShouldBe(expected);
    }

    [Fact]
    public void ErrorNames_lists_the_declared_errors()
    {
        _model.ErrorNames("DescribeServices").ShouldBe(
            ["AccessDeniedException", "ServerException", "InvalidParameterException", "ClientException", "ClusterNotFoundException"],
            ignoreOrder: true);
    }

    [Theory]
    [InlineData("""{"__type":"ClusterNotFoundException","message":"Cluster not found."}""")]
    [InlineData("""{"__type":"com.amazonaws.ecs#ClusterNotFoundException","message":"Cluster not found."}""")]
    [InlineData("""{"__type":"ThrottlingException","message":"Rate exceeded"}""")]
    public void Valid_errors_pass(string body)
    {
        _model.ValidateError("DescribeServices", body).ShouldBeEmpty();
    }

    [Fact]
    public void Unknown_error_type_is_flagged()
    {
        var violation = _model.ValidateError("DescribeServices", """{"__type":"ClusterMissingException","message":"nope"}""").ShouldHaveSingleItem();

        violation.Path.ShouldBe("$.__type");
        violation.Problem.ShouldContain("ClusterMissingException");
    }

    [Fact]
    public void Error_of_another_operation_is_flagged()
    {
        var violation = _model.ValidateError("DescribeServices", """{"__type":"ServiceNotFoundException","message":"nope"}""").ShouldHaveSingleItem();

        violation.Path.ShouldBe("$.__type");
        violation.Problem.ShouldContain("not one DescribeServices declares");
    }

    [Fact]
    public void Error_needs_type_and_string_message()
    {
        _model.ValidateError("DescribeServices", """{"message":"x"}""").ShouldHaveSingleItem().Path.ShouldBe("$.__type");
        _model.ValidateError("DescribeServices", """{"__type":"ClientException"}""").ShouldHaveSingleItem().Path.ShouldBe("$.message");
        _model.ValidateError("DescribeServices", """{"__type":"ClientException","message":5}""").ShouldHaveSingleItem().Path.ShouldBe("$.message");
        _model.ValidateError("DescribeServices", """{"__type":"ThrottlingException","message":5}""").ShouldHaveSingleItem().Path.ShouldBe("$.message");
    }

    [Fact]
    public void Error_members_outside_the_error_shape_are_flagged()
    {
        _model.ValidateError("DescribeServices", """{"__type":"ClientException","message":"x","Message":"x"}""")
            .ShouldHaveSingleItem().Path.ShouldBe("$.Message");
        _model.ValidateError("DescribeServices", """{"__type":"ThrottlingException","message":"x","retryAfter":3}""")
            .ShouldHaveSingleItem().Path.ShouldBe("$.retryAfter");
    }
}

public sealed class WaiterTests
{
    [Fact]
    public void ServicesStable_acceptors_are_parsed()
    {
        var waiters = BotocoreEcsWaiters.LoadInstalled();

        waiters.Operation("ServicesStable").ShouldBe("DescribeServices");
        waiters.Delay("ServicesStable").ShouldBe(15);
        var acceptors = waiters.ServicesStable;
        acceptors.ShouldContain(a => a.State == "failure" && a.Matcher == "pathAny" && a.Argument == "failures[].reason" && a.Expected.GetString() == "MISSING");
        acceptors.ShouldContain(a => a.State == "failure" && a.Argument == "services[].status" && a.Expected.GetString() == "DRAINING");
        var success = acceptors.Single(a => a.State == "success");
        success.Matcher.ShouldBe("path");
        success.Argument.ShouldContain("runningCount == desiredCount");
        success.Expected.ValueKind.ShouldBe(JsonValueKind.True);
        waiters.WaiterNames.ShouldContain("TasksStopped");
    }
}

internal static class BotocoreEcsModelPaths
{
    public static string InstalledServiceModel()
    {
        var env = Environment.GetEnvironmentVariable("BOTOCORE_ECS_MODEL");
        if (!string.IsNullOrEmpty(env) && File.Exists(env))
        {
            return env;
        }

        var psi = new System.Diagnostics.ProcessStartInfo("python3") { RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import botocore,os;print(os.path.dirname(botocore.__file__))");
        using var process = System.Diagnostics.Process.Start(psi)!;
        var dir = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return Path.Combine(dir, "data", "ecs", "2014-11-13", "service-2.json.gz");
    }
}
