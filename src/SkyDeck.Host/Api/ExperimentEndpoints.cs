using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using static SkyDeck.Actors.Core.ExperimentCommands;

namespace SkyDeck.Host.Api;

/// <summary>Create, read, change and delete experiments.</summary>
public static class ExperimentEndpoints
{
    private static readonly string[] SpecFields =
        ["name", "base_command", "run_name", "nodes", "gpus", "flags", "accelerator", "cloud", "region", "use_spot", "description", "tags", "group", "autostop_minutes", "autostop_down"];

    private const string JsonContentType = "application/json; charset=utf-8";

    public static RouteGroupBuilder MapExperimentEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/experiments").WithTags("Experiments");
        api.MapGet("/", List).WithName("ListExperiments").Produces<ExperimentListDto>(contentType: JsonContentType);
        api.MapPost("/", Create).WithName("CreateExperiment");
        api.MapGet("/{id}", Get).WithName("GetExperiment");
        api.MapPatch("/{id}", Patch).WithName("UpdateExperiment");
        api.MapDelete("/{id}", Delete).WithName("DeleteExperiment");
        api.MapPost("/{id}/restore", Restore).WithName("RestoreExperiment");
        api.MapPost("/{id}/state", SetState).WithName("SetDesiredState");
        api.MapPost("/{id}/restart", Restart).WithName("RestartExperiment");
        api.MapPost("/{id}/flags", ReplaceFlags).WithName("ReplaceFlags");
        api.MapGet("/{id}/status", Status).WithName("GetExperimentStatus");
        api.MapGet("/{id}/jobs", Jobs).WithName("ListJobs");
        return api;
    }

    /// <summary>
    /// The table from cached bytes (<see cref="ExperimentListCache"/>), with a strong ETag: a client that sends it back
    /// in <c>If-None-Match</c> gets 304 until something changes. <c>no-cache</c>: caches must ask every time.
    /// </summary>
    public static async Task<IResult> List(
        HttpContext http, Experiments experiments, ExperimentListCache cache, [FromQuery(Name = "include_deleted")] string? includeDeleted, CancellationToken ct)
    {
        var (withDeleted, bad) = QueryParameters.Bool(includeDeleted, "include_deleted");
        if (bad is not null) return bad;
        var list = await experiments.ListWithRevisionAsync(ct);
        var body = await cache.GetAsync(list, withDeleted == true, ct);
        http.Response.Headers.CacheControl = "no-cache";
        // Answers If-None-Match (and the other preconditions) with 304, and sets ETag and Content-Length.
        return TypedResults.Bytes(body.Bytes, JsonContentType, entityTag: body.ETag);
    }

    public static async Task<IResult> Create(HttpContext http, Experiments experiments, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } who) return Caller.BadHeader();
        var (body, error) = await JsonBody.ReadObjectAsync(http.Request, ct);
        if (error is not null) return error;

        var read = new FieldReader(body);
        read.RejectUnknown([.. SpecFields, "id", "desired_state"]);
        var id = read.String("id", required: true);
        if (id is not null && ExperimentId.Validate(id) is { } idError) read.Fail("id", idError);
        var desired = read.Desired("desired_state") ?? DesiredState.Stopped;
        var spec = ReadSpec(read, baseline: null, id);
        if (!read.IsValid || spec is null) return Problems.Invalid(read.Errors);

        var result = await experiments.SendAsync(new CreateExperiment(id!, spec, desired, experiments.Now, who), ct);
        if (!result.IsSuccess) return Problems.From(result);
        var dto = ExperimentDto.From(result.Detail!.Summary);
        return result.Code == ResultCode.Accepted ? TypedResults.Created($"/api/experiments/{id}", dto) : TypedResults.Ok(dto);
    }

    public static async Task<IResult> Get(string id, Experiments experiments, CancellationToken ct) =>
        await experiments.GetAsync(id, ct) is { } detail ? TypedResults.Ok(ExperimentDto.From(detail.Summary)) : NotFound(id);

    public static async Task<IResult> Patch(string id, HttpContext http, Experiments experiments, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } who) return Caller.BadHeader();
        var (body, error) = await JsonBody.ReadObjectAsync(http.Request, ct);
        if (error is not null) return error;

        var read = new FieldReader(body);
        read.RejectUnknown([.. SpecFields, "desired_state"]);
        var desired = read.Desired("desired_state");
        var patch = ReadPatch(read);
        if (!read.IsValid) return Problems.Invalid(read.Errors);
        return await Command(id, http, experiments, _ => new PatchExperiment(id, patch, desired, experiments.Now, who), ct);
    }

    public static Task<IResult> Delete(string id, HttpContext http, Experiments experiments, CancellationToken ct) =>
        Command(id, http, experiments, who => new DeleteExperiment(id, experiments.Now, who), ct);

    public static Task<IResult> Restore(string id, HttpContext http, Experiments experiments, CancellationToken ct) =>
        Command(id, http, experiments, who => new RestoreExperiment(id, experiments.Now, who), ct);

    /// <summary>Run again with the current spec (applies changed flags); see <see cref="RestartRun"/>.</summary>
    public static Task<IResult> Restart(string id, HttpContext http, Experiments experiments, CancellationToken ct) =>
        Command(id, http, experiments, who => new RestartRun(id, experiments.Now, who), ct);

    public static async Task<IResult> SetState(string id, HttpContext http, Experiments experiments, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } who) return Caller.BadHeader();
        var (body, error) = await JsonBody.ReadObjectAsync(http.Request, ct);
        if (error is not null) return error;
        var read = new FieldReader(body);
        read.RejectUnknown("desired_state", "reason");
        var desired = read.Desired("desired_state", required: true);
        var reason = read.String("reason");
        if (reason is { Length: > 500 }) read.Fail("reason", "must be at most 500 characters");
        else if (reason is not null && SafeText.Problem(reason) is { } unsafeReason) read.Fail("reason", unsafeReason);
        if (!read.IsValid) return Problems.Invalid(read.Errors);
        return await Command(id, http, experiments, _ => new SetDesiredState(id, desired!.Value, experiments.Now, who, reason), ct);
    }

    public static async Task<IResult> ReplaceFlags(string id, HttpContext http, Experiments experiments, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } who) return Caller.BadHeader();
        var (body, error) = await JsonBody.ReadObjectAsync(http.Request, ct);
        if (error is not null) return error;
        var read = new FieldReader(body);
        read.RejectUnknown("flags");
        var flags = read.Flags("flags", required: true);
        if (!read.IsValid) return Problems.Invalid(read.Errors);
        return await Command(id, http, experiments, _ => new PatchExperiment(id, new SpecPatch(Flags: flags), null, experiments.Now, who), ct);
    }

    public static async Task<IResult> Status(string id, Experiments experiments, [FromQuery] string? limit, CancellationToken ct)
    {
        var (take, bad) = QueryParameters.Int(limit, "limit", 1, 1000);
        if (bad is not null) return bad;
        if (await experiments.GetAsync(id, ct) is not { } detail) return NotFound(id);
        var dto = ExperimentDto.From(detail.Summary);
        return TypedResults.Ok(new ExperimentStatusDto(dto, dto.CurrentJob, [.. detail.Jobs.Take(take ?? 10).Select(JobDto.From)]));
    }

    public static async Task<IResult> Jobs(string id, Experiments experiments, [FromQuery] string? limit, CancellationToken ct)
    {
        var (take, bad) = QueryParameters.Int(limit, "limit", 1, 10_000);
        if (bad is not null) return bad;
        if (await experiments.GetAsync(id, ct) is not { } detail) return NotFound(id);
        return TypedResults.Ok(new JobListDto([.. detail.Jobs.Take(take ?? 100).Select(JobDto.From)]));
    }

    private static async Task<IResult> Command(string id, HttpContext http, Experiments experiments, Func<string, IExperimentCommand> command, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } who) return Caller.BadHeader();
        var result = await experiments.SendAsync(command(who), ct);
        return result.IsSuccess ? TypedResults.Ok(ExperimentDto.From(result.Detail!.Summary)) : Problems.From(result);
    }

    private static IResult NotFound(string id) => Problems.NotFound($"experiment '{Display(id)}' not found");

    private static string Display(string id) => id.Length <= 64 ? id : id[..64] + "…";

    /// <summary>The fields the body sets; explicit nulls clear optional fields. The actor merges and validates it atomically.</summary>
    private static SpecPatch ReadPatch(FieldReader read)
    {
        string[] clearable = [SpecPatch.AcceleratorField, SpecPatch.CloudField, SpecPatch.RegionField, SpecPatch.DescriptionField, SpecPatch.GroupField, SpecPatch.AutostopMinutesField];
        foreach (var required in new[] { "name", "base_command", "run_name", "nodes", "gpus", "flags", "use_spot", "tags", "autostop_down" })
            if (read.IsNull(required)) read.Fail(required, "cannot be cleared");
        return new SpecPatch(
            read.String("name"), read.String("base_command"), read.String("run_name"), read.Flags("flags"), read.Int("nodes"), read.Int("gpus"),
            read.String("accelerator"), read.String("cloud"), read.String("region"), read.Bool("use_spot"), read.String("description"),
            read.Strings("tags"), read.String("group"),
            [.. clearable.Where(read.IsNull)],
            AutostopMinutes: read.Int("autostop_minutes"), AutostopDown: read.Bool("autostop_down"));
    }

    /// <summary>The spec from the body's fields over <paramref name="baseline"/> (null: a new experiment, with defaults).</summary>
    private static ExperimentSpec? ReadSpec(FieldReader read, ExperimentSpec? baseline, string? id)
    {
        var name = read.String("name");
        var baseCommand = read.String("base_command", required: baseline is null);
        var runName = read.String("run_name");
        var nodes = read.Int("nodes");
        var gpus = read.Int("gpus");
        var flags = read.Flags("flags");
        var accelerator = read.String("accelerator");
        var cloud = read.String("cloud");
        var region = read.String("region");
        var useSpot = read.Bool("use_spot");
        var description = read.String("description");
        var tags = read.Strings("tags");
        var group = read.String("group");
        var autostopMinutes = read.Int("autostop_minutes");
        var autostopDown = read.Bool("autostop_down");
        if (!read.IsValid) return null;

        var spec = baseline ?? new ExperimentSpec(
            Name: id ?? "", BaseCommand: "", RunName: id ?? "", Flags: ImmutableSortedDictionary.Create<string, FlagValue>(StringComparer.Ordinal),
            Nodes: 1, Gpus: 0);
        spec = spec with
        {
            Name = name ?? spec.Name,
            BaseCommand = baseCommand ?? spec.BaseCommand,
            RunName = runName ?? spec.RunName,
            Nodes = nodes ?? spec.Nodes,
            Gpus = gpus ?? spec.Gpus,
            Flags = flags ?? spec.Flags,
            Accelerator = read.Has("accelerator") ? accelerator : spec.Accelerator,
            Cloud = read.Has("cloud") ? cloud : spec.Cloud,
            Region = read.Has("region") ? region : spec.Region,
            UseSpot = useSpot ?? spec.UseSpot,
            Description = read.Has("description") ? description : spec.Description,
            Tags = tags ?? spec.Tags,
            Group = read.Has("group") ? group : spec.Group,
            AutostopMinutes = read.Has("autostop_minutes") ? autostopMinutes : spec.AutostopMinutes,
            AutostopDown = autostopDown ?? spec.AutostopDown,
        };
        foreach (var error in spec.Validate()) read.Fail(error.Field, error.Message);
        return read.IsValid ? spec : null;
    }
}
