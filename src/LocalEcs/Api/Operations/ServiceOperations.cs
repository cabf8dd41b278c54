using System.Text.Json.Nodes;
using LocalEcs.Api.Rendering;
using LocalEcs.Model;

namespace LocalEcs.Api.Operations;

internal static class ServiceOperations
{
    // CreateService members that ECS echoes back on the service without LocalEcs simulating them.
    private static readonly string[] EchoedMembers =
    [
        "loadBalancers", "serviceRegistries", "networkConfiguration", "platformVersion", "capacityProviderStrategy",
        "healthCheckGracePeriodSeconds", "placementConstraints", "placementStrategy", "enableECSManagedTags",
        "propagateTags", "enableExecuteCommand", "availabilityZoneRebalancing", "deploymentController", "schedulingStrategy",
    ];

    public static JsonObject CreateService(EcsRequest request)
    {
        var input = request.Input;
        var cluster = request.Cluster();
        var name = request.Required("serviceName");
        var td = ResolveTaskDefinition(request, input.Str("taskDefinition")
            ?? throw EcsException.InvalidParameter("TaskDefinition must be specified."));
        if (cluster.Services.TryGetValue(name, out var existing) && existing.Status != "INACTIVE")
        {
            throw EcsException.InvalidParameter("Creation of service was not idempotent.");
        }

        var desired = input.Int("desiredCount") ?? 0;
        if (desired < 0)
        {
            throw EcsException.InvalidParameter("desiredCount must be greater than or equal to 0.");
        }

        // Without a launch type or capacity provider strategy ECS places the service on EC2.
        var launchType = input.Str("launchType") ?? (input["capacityProviderStrategy"] is null ? "EC2" : null);
        var service = new ServiceState
        {
            Name = name,
            Arn = Arns.Service(request.Region.Name, cluster.Name, name),
            Cluster = cluster,
            CreatedAt = request.Now,
            LaunchType = launchType,
            DesiredCount = desired,
        };
        ApplyDeploymentConfiguration(service.Deployment, input.Obj("deploymentConfiguration"));
        foreach (var member in EchoedMembers)
        {
            if (input[member] is { } value)
            {
                service.Echo[member] = value.DeepClone();
            }
        }

        if (launchType == "FARGATE" && service.Echo["platformVersion"] is null)
        {
            service.Echo["platformVersion"] = "LATEST";
        }

        service.Tags.AddRange(input.Tags());
        // A re-created service replaces the INACTIVE one; its stopped tasks stay with the cluster.
        cluster.Services[name] = service;
        request.Scheduler.StartDeployment(service, td, request.Now);
        return new JsonObject { ["service"] = ServiceJson.Render(service, tags: service.Tags.Count > 0) };
    }

    public static JsonObject UpdateService(EcsRequest request)
    {
        var input = request.Input;
        var service = FindService(request.Cluster(), request.Required("service"));
        if (service.Status != "ACTIVE")
        {
            throw EcsException.ServiceNotActive();
        }

        var td = input.Str("taskDefinition") is { } reference ? ResolveTaskDefinition(request, reference) : null;
        if (input.Int("desiredCount") is { } desired)
        {
            if (desired < 0)
            {
                throw EcsException.InvalidParameter("desiredCount must be greater than or equal to 0.");
            }

            service.DesiredCount = desired;
            service.SteadyStateReported = false;
            service.Primary.UpdatedAt = request.Now;
        }

        ApplyDeploymentConfiguration(service.Deployment, input.Obj("deploymentConfiguration"));
        foreach (var member in (string[])["networkConfiguration", "platformVersion", "healthCheckGracePeriodSeconds", "loadBalancers", "serviceRegistries"])
        {
            if (input[member] is { } value)
            {
                service.Echo[member] = value.DeepClone();
            }
        }

        // Only a new task definition or forceNewDeployment starts a deployment; a count change scales the primary.
        var newTaskDefinition = td is not null && td != service.Primary.TaskDefinition;
        if (newTaskDefinition || input.Bool("forceNewDeployment") == true)
        {
            request.Scheduler.StartDeployment(service, td ?? service.Primary.TaskDefinition, request.Now);
        }

        return new JsonObject { ["service"] = ServiceJson.Render(service, tags: false) };
    }

    public static JsonObject DescribeServices(EcsRequest request)
    {
        var cluster = request.Cluster();
        var references = request.Input.StrList("services");
        if (references.Count is 0 or > 10)
        {
            throw EcsException.InvalidParameter("services should have between 1 and 10 items.");
        }

        var services = new JsonArray();
        var failures = new JsonArray();
        foreach (var reference in references)
        {
            var name = Arns.ServiceName(reference);
            if (cluster.Services.TryGetValue(name, out var service))
            {
                services.Add(ServiceJson.Render(service, request.Input.Includes("TAGS")));
            }
            else
            {
                failures.Add(new JsonObject { ["arn"] = Arns.Service(request.Region.Name, cluster.Name, name), ["reason"] = "MISSING" });
            }
        }

        return new JsonObject { ["services"] = services, ["failures"] = failures };
    }

    public static JsonObject ListServices(EcsRequest request)
    {
        var cluster = request.Cluster();
        var launchType = request.Input.Str("launchType");
        var arns = cluster.Services.Values
            .Where(s => s.Status != "INACTIVE" && (launchType is null || s.LaunchType == launchType))
            .OrderBy(s => s.CreatedAt)
            .Select(s => s.Arn)
            .ToList();
        // ECS pages ListServices by 10 unless asked otherwise.
        return Pagination.Page(request, arns, "serviceArns", defaultMax: 10);
    }

    public static JsonObject DeleteService(EcsRequest request)
    {
        var service = FindService(request.Cluster(), request.Required("service"));
        if (service.Status != "ACTIVE")
        {
            // ECS answers a repeated delete with the service as it is (DeleteService declares no ServiceNotActiveException).
            return new JsonObject { ["service"] = ServiceJson.Render(service, tags: false) };
        }

        if (service.DesiredCount > 0 && request.Input.Bool("force") != true)
        {
            throw EcsException.InvalidParameter("The service cannot be stopped while it is scaled above 0.");
        }

        request.Scheduler.Drain(service, request.Now);
        return new JsonObject { ["service"] = ServiceJson.Render(service, tags: false) };
    }

    internal static ServiceState FindService(ClusterState cluster, string reference) =>
        cluster.Services.TryGetValue(Arns.ServiceName(reference), out var service)
            ? service
            : throw EcsException.ServiceNotFound();

    private static TaskDefinitionState ResolveTaskDefinition(EcsRequest request, string reference)
    {
        var td = request.FindTaskDefinition(reference) ?? throw EcsException.InvalidParameter("TaskDefinition not found.");
        return td.IsActive ? td : throw EcsException.Client("TaskDefinition is inactive");
    }

    private static void ApplyDeploymentConfiguration(DeploymentSettings settings, JsonObject? configuration)
    {
        if (configuration is null)
        {
            return;
        }

        foreach (var (name, value) in configuration)
        {
            switch (name)
            {
                case "maximumPercent":
                    settings.MaximumPercent = configuration.Int(name) ?? settings.MaximumPercent;
                    break;
                case "minimumHealthyPercent":
                    settings.MinimumHealthyPercent = configuration.Int(name) ?? settings.MinimumHealthyPercent;
                    break;
                case "deploymentCircuitBreaker" when value is JsonObject breaker:
                    settings.CircuitBreakerEnable = breaker.Bool("enable") ?? false;
                    settings.CircuitBreakerRollback = breaker.Bool("rollback") ?? false;
                    break;
                default:
                    settings.Extra[name] = value?.DeepClone();
                    break;
            }
        }

        if (settings.MinimumHealthyPercent < 0 || settings.MinimumHealthyPercent > 100)
        {
            throw EcsException.InvalidParameter("minimumHealthyPercent must be between 0 and 100.");
        }

        if (settings.MaximumPercent < settings.MinimumHealthyPercent || settings.MaximumPercent <= 0)
        {
            throw EcsException.InvalidParameter("maximumPercent must be greater than minimumHealthyPercent.");
        }
    }
}
