using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SkyDeck.Actors.Audit;
using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Core.SweepCommands;
using SweepAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Ok<SkyDeck.Host.Api.SweepAnswerDto>,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult,
    SkyDeck.Host.Api.CommandProblem>;
using SweepCreateAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Ok<SkyDeck.Host.Api.SweepAnswerDto>,
    Microsoft.AspNetCore.Http.HttpResults.Created<SkyDeck.Host.Api.SweepAnswerDto>,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult,
    SkyDeck.Host.Api.CommandProblem>;

namespace SkyDeck.Host.Api;

/// <summary>
/// Sweeps: a template, axes and a desired state, whose cells are ordinary experiments carrying <c>sweep</c>. Every
/// changing request has a <c>/preview</c> twin that answers the same changes and persists nothing. The template is read
/// through <see cref="SpecFields"/>, the same table as an experiment's create and PATCH, so every experiment field is a
/// template field.
/// </summary>
public static class SweepEndpoints
{
    /// <summary>Restart to apply restarts at most this many cells per request unless <c>max</c> says otherwise.</summary>
    public const int DefaultRestartCap = 10;

    public static RouteGroupBuilder MapSweepEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/sweeps").WithTags("Sweeps");
        api.MapGet("/", List).WithName("ListSweeps");
        api.MapPost("/", Create).WithName("CreateSweep").AcceptsJson<CreateSweepRequest>();
        api.MapPost("/preview", PreviewCreate).WithName("PreviewCreateSweep").AcceptsJson<CreateSweepRequest>();
        api.MapGet("/{id}", Get).WithName("GetSweep");
        api.MapPatch("/{id}", (string id, HttpContext h, Sweeps s, Experiments e, CancellationToken ct) => Patch(id, h, s, e, false, ct)).WithName("UpdateSweep").AcceptsJson<UpdateSweepRequest>();
        api.MapPatch("/{id}/preview", (string id, HttpContext h, Sweeps s, Experiments e, CancellationToken ct) => Patch(id, h, s, e, true, ct)).WithName("PreviewUpdateSweep").AcceptsJson<UpdateSweepRequest>();
        api.MapPost("/{id}/state", (string id, HttpContext h, Sweeps s, Experiments e, CancellationToken ct) => SetState(id, h, s, e, false, ct)).WithName("SetSweepState").AcceptsJson<SetSweepStateRequest>();
        api.MapPost("/{id}/state/preview", (string id, HttpContext h, Sweeps s, Experiments e, CancellationToken ct) => SetState(id, h, s, e, true, ct)).WithName("PreviewSetSweepState").AcceptsJson<SetSweepStateRequest>();
        api.MapPost("/{id}/refill", (string id, HttpContext h, Sweeps s, Experiments e, CancellationToken ct) => Refill(id, h, s, e, false, ct)).WithName("RefillSweep");
        api.MapPost("/{id}/refill/preview", (string id, HttpContext h, Sweeps s, Experiments e, CancellationToken ct) => Refill(id, h, s, e, true, ct)).WithName("PreviewRefillSweep");
        api.MapPost("/{id}/restart", (string id, HttpContext h, Sweeps s, Experiments e, [FromQuery] string? max, CancellationToken ct) => Restart(id, h, s, e, max, false, ct)).WithName("RestartSweepCells");
        api.MapPost("/{id}/restart/preview", (string id, HttpContext h, Sweeps s, Experiments e, [FromQuery] string? max, CancellationToken ct) => Restart(id, h, s, e, max, true, ct)).WithName("PreviewRestartSweepCells");
        api.MapDelete("/{id}", (string id, HttpContext h, Sweeps s, Experiments e, CancellationToken ct) => Simple(id, h, s, e, who => new DeleteSweep(id, e.Now, who), ct)).WithName("DeleteSweep");
        api.MapPost("/{id}/restore", (string id, HttpContext h, Sweeps s, Experiments e, CancellationToken ct) => Simple(id, h, s, e, who => new RestoreSweep(id, e.Now, who), ct)).WithName("RestoreSweep");
        api.MapGet("/{id}/events", Events).WithName("SweepEvents");
        return api;
    }

    public static async Task<Results<Ok<SweepListDto>, ValidationProblem>> List(Sweeps sweeps, Experiments experiments, [FromQuery(Name = "include_deleted")] string? includeDeleted, CancellationToken ct)
    {
        var (included, bad) = QueryParameters.Bool(includeDeleted, "include_deleted");
        if (bad is not null) return bad;
        var withDeleted = included == true;
        var list = await sweeps.ListAsync(ct);
        var rows = await experiments.ListAsync(ct);
        return TypedResults.Ok(new SweepListDto([.. list.Sweeps.Where(s => s.Exists && (withDeleted || !s.Deleted)).Select(s => SweepDto.From(s, rows, experiments.Costs, withCells: false))]));
    }

    public static async Task<Results<Ok<SweepDto>, NotFoundProblem>> Get(string id, Sweeps sweeps, Experiments experiments, CancellationToken ct)
    {
        if (await sweeps.GetAsync(id, ct) is not { } sweep) return NotFound(id);
        return TypedResults.Ok(SweepDto.From(sweep, await experiments.ListAsync(ct), experiments.Costs, withCells: true));
    }

    /// <summary>201 with the sweep and its cells (created in the background, in order); identical again 200; another spec 409.</summary>
    public static Task<SweepCreateAnswer> Create(HttpContext http, Sweeps sweeps, Experiments experiments, CancellationToken ct) =>
        CreateOrPreview(http, sweeps, experiments, false, ct);

    /// <summary>What creating would do; persists nothing, so never 201.</summary>
    public static async Task<SweepAnswer> PreviewCreate(HttpContext http, Sweeps sweeps, Experiments experiments, CancellationToken ct) =>
        (await CreateOrPreview(http, sweeps, experiments, true, ct)).Result switch
        {
            Ok<SweepAnswerDto> ok => ok,
            Created<SweepAnswerDto> created => TypedResults.Ok(created.Value),
            ValidationProblem invalid => invalid,
            CommandProblem failed => failed,
            ProblemHttpResult problem => problem,
            var other => throw new InvalidOperationException($"unexpected {other.GetType().Name}"),
        };

    private static async Task<SweepCreateAnswer> CreateOrPreview(HttpContext http, Sweeps sweeps, Experiments experiments, bool preview, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } who) return Caller.BadHeader();
        var (body, error) = await JsonBody.ReadObjectAsync(http.Request, ct);
        if (error is not null) return error;

        var read = new FieldReader(body);
        read.RejectUnknown("id", "name", "template", "axes", "mode", "desired_state", "budget");
        var id = read.String("id", required: true);
        var name = read.String("name");
        var mode = ReadMode(read) ?? SweepMode.Grid;
        var desired = read.Desired("desired_state") ?? DesiredState.Stopped;
        var axes = ReadAxes(body, read, required: true);
        var template = ReadTemplate(body, read, creating: true);
        var budget = read.Budget("budget");
        if (!read.IsValid) return Problems.Invalid(read.Errors);

        var spec = new SweepSpec(name ?? id!, template!.ApplyTo(ExperimentSpec.Defaults(id!)), axes!.Value, mode, desired, budget is { IsEmpty: false } ? budget : null);
        var result = await sweeps.SendAsync(new CreateSweep(id!, spec, experiments.Now, who, preview), ct);
        if (!result.IsSuccess) return Problem(result);
        var answer = await AnswerAsync(result, experiments, preview, ct);
        return result.Code == ResultCode.Accepted && !preview ? TypedResults.Created($"/api/sweeps/{id}", answer) : TypedResults.Ok(answer);
    }

    /// <summary>
    /// Changes the template (merged field by field; null clears an optional field), axes, mode, name, desired state or
    /// the sweep's own budget (null or <c>{}</c> clears it; raised above what the cells used, Start runs the sweep again).
    /// A template field changes in every cell that does not deviate on it; cells changed on their own keep their value
    /// and say so in the answer ("kept: deviates on flags.x").
    /// </summary>
    public static async Task<SweepAnswer> Patch(string id, HttpContext http, Sweeps sweeps, Experiments experiments, bool preview, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } who) return Caller.BadHeader();
        var (body, error) = await JsonBody.ReadObjectAsync(http.Request, ct);
        if (error is not null) return error;

        var read = new FieldReader(body);
        read.RejectUnknown("name", "template", "axes", "mode", "desired_state", "budget");
        var name = read.String("name");
        var mode = ReadMode(read);
        var desired = read.Desired("desired_state");
        var axes = ReadAxes(body, read, required: false);
        var template = ReadTemplate(body, read, creating: false);
        // null or {} clears the budget; left out, it stays.
        var budget = body.TryGetProperty("budget", out var given) && given.ValueKind == JsonValueKind.Null ? new Budget() : read.Budget("budget");
        if (!read.IsValid) return Problems.Invalid(read.Errors);
        // The cells as they are now: a template field is applied only to the cells that do not deviate on it.
        var observed = template is null ? default : await ObserveAsync(id, experiments, ct);
        return await Send(new ChangeSweep(id, experiments.Now, who, name, template, axes, mode, desired, preview, observed, budget), sweeps, experiments, preview, ct);
    }

    public static async Task<SweepAnswer> SetState(string id, HttpContext http, Sweeps sweeps, Experiments experiments, bool preview, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } who) return Caller.BadHeader();
        var (body, error) = await JsonBody.ReadObjectAsync(http.Request, ct);
        if (error is not null) return error;
        var read = new FieldReader(body);
        read.RejectUnknown("desired_state");
        var desired = read.Desired("desired_state", required: true);
        if (!read.IsValid) return Problems.Invalid(read.Errors);
        return await Send(new ChangeSweep(id, experiments.Now, who, Desired: desired, Preview: preview), sweeps, experiments, preview, ct);
    }

    /// <summary>Re-run the cells that failed, were deleted or are missing, as the table shows them now.</summary>
    public static async Task<SweepAnswer> Refill(string id, HttpContext http, Sweeps sweeps, Experiments experiments, bool preview, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } who) return Caller.BadHeader();
        var observed = await ObserveAsync(id, experiments, ct);
        return await Send(new RefillSweep(id, observed, experiments.Now, who, preview), sweeps, experiments, preview, ct);
    }

    /// <summary>Restart to apply: restarts at most <c>max</c> (default 10) cells that run an older spec; the answer says how many remain.</summary>
    public static async Task<SweepAnswer> Restart(string id, HttpContext http, Sweeps sweeps, Experiments experiments, string? max, bool preview, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } who) return Caller.BadHeader();
        var (cap, bad) = QueryParameters.Int(max, "max", 1, 1000);
        if (bad is not null) return bad;
        var observed = await ObserveAsync(id, experiments, ct);
        return await Send(new RestartSweepCells(id, observed, cap ?? DefaultRestartCap, experiments.Now, who, preview), sweeps, experiments, preview, ct);
    }

    public static async Task<Results<Ok<SweepEventsDto>, NotFoundProblem>> Events(string id, Sweeps sweeps, AuditLog audit, CancellationToken ct)
    {
        if (await sweeps.GetAsync(id, ct) is null) return NotFound(id);
        var entries = await audit.ForSweepAsync(id, ct);
        return TypedResults.Ok(new SweepEventsDto([.. entries.Select(e => new SweepEventDto(e.Cursor, e.Sequence, e.At, e.ExperimentId, e.Type, e.Who, e.Reason, e.Change))]));
    }

    private static async Task<SweepAnswer> Simple(string id, HttpContext http, Sweeps sweeps, Experiments experiments, Func<string, ISweepCommand> command, CancellationToken ct) =>
        Caller.Of(http) is { } who ? await Send(command(who), sweeps, experiments, false, ct) : Caller.BadHeader();

    private static async Task<SweepAnswer> Send(ISweepCommand command, Sweeps sweeps, Experiments experiments, bool preview, CancellationToken ct)
    {
        var result = await sweeps.SendAsync(command, ct);
        if (!result.IsSuccess) return Problem(result);
        return TypedResults.Ok(await AnswerAsync(result, experiments, preview, ct));
    }

    private static async Task<SweepAnswerDto> AnswerAsync(SweepResult result, Experiments experiments, bool preview, CancellationToken ct)
    {
        SweepDto? sweep = null;
        if (result.Sweep is { Exists: true } state) sweep = SweepDto.From(state, await experiments.ListAsync(ct), experiments.Costs, withCells: true);
        return new SweepAnswerDto(preview, result.Message, sweep, SweepChangesDto.From(result));
    }

    private static async Task<ImmutableArray<CellObservation>> ObserveAsync(string id, Experiments experiments, CancellationToken ct) =>
        [.. (await experiments.ListAsync(ct)).Where(s => s.Spec.Sweep == id).Select(CellObservation.From)];

    private static CommandProblem Problem(SweepResult result) =>
        CommandProblem.From(new CommandResult(result.Code, result.Message, result.Errors), "sweep not found");

    private static SweepMode? ReadMode(FieldReader read)
    {
        var text = read.String("mode");
        if (text is null) return null;
        if (text.Equals("grid", StringComparison.OrdinalIgnoreCase)) return SweepMode.Grid;
        if (text.Equals("zip", StringComparison.OrdinalIgnoreCase)) return SweepMode.Zip;
        read.Fail("mode", $"must be grid or zip (got '{FieldReader.DisplayName(text)}')");
        return null;
    }

    /// <summary><c>{"trainer.lr": [0.001, 0.0003], "seed": [1, 2, 3]}</c>: flag keys to lists of strings, numbers or booleans, in order.</summary>
    private static ImmutableArray<SweepAxis>? ReadAxes(JsonElement body, FieldReader read, bool required)
    {
        if (!body.TryGetProperty("axes", out var axes) || axes.ValueKind == JsonValueKind.Null)
        {
            if (required) read.Fail("axes", "is required: an object of flag keys to lists of values, e.g. {\"trainer.lr\": [0.001, 0.0003]}");
            return null;
        }

        if (axes.ValueKind != JsonValueKind.Object)
        {
            read.Fail("axes", "must be an object of flag keys to lists of values");
            return null;
        }

        if (axes.GetPropertyCount() > SweepExpansion.MaxAxes)
        {
            read.Fail("axes", $"at most {SweepExpansion.MaxAxes} axes");
            return null;
        }

        var result = ImmutableArray.CreateBuilder<SweepAxis>();
        foreach (var axis in axes.EnumerateObject())
        {
            var field = $"axes.{FieldReader.DisplayName(axis.Name)}";
            if (axis.Value.ValueKind != JsonValueKind.Array)
            {
                read.Fail(field, "must be a list of values (strings, numbers or booleans)");
                continue;
            }

            if (axis.Value.GetArrayLength() > SweepExpansion.MaxValuesPerAxis)
            {
                read.Fail(field, $"at most {SweepExpansion.MaxValuesPerAxis} values");
                continue;
            }

            var values = ImmutableArray.CreateBuilder<FlagValue>();
            var index = 0;
            foreach (var item in axis.Value.EnumerateArray())
            {
                if (FieldReader.Scalar(item, out var problem) is { } value) values.Add(value);
                else read.Fail($"{field}[{index}]", problem!);
                index++;
            }

            result.Add(new SweepAxis(axis.Name, values.ToImmutable()));
        }

        return result.ToImmutable();
    }

    /// <summary>The template through the experiment's own field table; its errors are named <c>template.FIELD</c>.</summary>
    private static SpecPatch? ReadTemplate(JsonElement body, FieldReader read, bool creating)
    {
        if (!body.TryGetProperty("template", out var template) || template.ValueKind == JsonValueKind.Null)
            return creating ? new SpecPatch(Cleared: []) : null;
        if (template.ValueKind != JsonValueKind.Object)
        {
            read.Fail("template", "must be an object of experiment fields (all but id)");
            return null;
        }

        var fields = new FieldReader(template);
        fields.RejectUnknown([.. SpecFields.Names]);
        var patch = SpecFields.Read(fields, creating);
        foreach (var e in fields.Errors) read.Fail("template." + e.Field, e.Message);
        return patch;
    }

    private static NotFoundProblem NotFound(string id) => Problems.NotFound($"sweep '{FieldReader.DisplayName(id)}' not found");
}
