using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using SkyDeck.Actors.Audit;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;
using static SkyDeck.Actors.Core.ExperimentCommands;
using CreateAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Created<SkyDeck.Host.Api.ExperimentDto>,
    Microsoft.AspNetCore.Http.HttpResults.Ok<SkyDeck.Host.Api.ExperimentDto>,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult,
    SkyDeck.Host.Api.CommandProblem>;
using ExperimentAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Ok<SkyDeck.Host.Api.ExperimentDto>,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult,
    SkyDeck.Host.Api.CommandProblem>;

namespace SkyDeck.Host.Api;

/// <summary>
/// Everything about experiments: the list, create, read, change, delete, runs and state, jobs, the audit log and
/// history of one experiment, and the flag schemas across them. Each request is one typed Ask; every handler declares
/// all it can answer, so OpenAPI lists each status with its body (the conventions: <see cref="OpenApiConventions"/>).
/// </summary>
public static class ExperimentEndpoints
{
    private const string JsonContentType = "application/json; charset=utf-8";

    public static RouteGroupBuilder MapExperimentEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/experiments").WithTags("Experiments");
        api.MapGet("/", List).WithName("ListExperiments").Produces<ExperimentPageDto>(contentType: JsonContentType).Produces(StatusCodes.Status304NotModified)
            .Query("include_deleted", JsonSchemaType.Boolean, "also list soft-deleted experiments (default false)")
            .Query("sweep", JsonSchemaType.String, "only this sweep's cells")
            .Query("q", JsonSchemaType.String, "filter, in the dashboard's filter language (text, key=value, key!=value, key>n, key<=n, name=resnet*, has:key, -has:key, state=running, …); pages the answer")
            .Query("sort", JsonSchemaType.String, "id, name, state, desired, created, updated or f:FLAG_KEY, optionally :asc or :desc (default created); pages the answer")
            .Query("limit", JsonSchemaType.Integer, $"experiments per page, 1 to {MaxPageSize} (default {DefaultPageSize}); pages the answer", "int32")
            .Query("after", JsonSchemaType.String, "the next cursor of the previous page (same q and sort); pages the answer")
            .Query("offset", JsonSchemaType.Integer, $"skip this many matching experiments, 0 to {MaxOffset} (not with after; default 0); pages the answer", "int32");
        api.MapPost("/", Create).WithName("CreateExperiment").AcceptsJson<CreateExperimentRequest>();
        api.MapGet("/{id}", Get).WithName("GetExperiment");
        api.MapPatch("/{id}", Patch).WithName("UpdateExperiment").AcceptsJson<UpdateExperimentRequest>();
        api.MapDelete("/{id}", Delete).WithName("DeleteExperiment");
        api.MapPost("/{id}/restore", Restore).WithName("RestoreExperiment");
        api.MapPost("/{id}/state", SetState).WithName("SetDesiredState").AcceptsJson<SetDesiredStateRequest>();
        api.MapPost("/{id}/restart", Restart).WithName("RestartExperiment");
        api.MapPost("/{id}/flags", ReplaceFlags).WithName("ReplaceFlags").AcceptsJson<ReplaceFlagsRequest>();
        api.MapGet("/{id}/status", Status).WithName("GetExperimentStatus")
            .Query("limit", JsonSchemaType.Integer, "recent jobs to include, 1 to 1000 (default 10)", "int32");
        api.MapGet("/{id}/jobs", Jobs).WithName("ListJobs")
            .Query("limit", JsonSchemaType.Integer, "jobs to list, newest first, 1 to 10000 (default 100)", "int32");
        api.MapGet("/{id}/events", Events).WithName("ExperimentEvents");
        api.MapGet("/{id}/history", History).WithName("ExperimentHistory")
            .Query("at", JsonSchemaType.String, "the moment to fold the experiment's events up to (ISO 8601)", "date-time", required: true);
        app.MapGet("/api/flag-schemas", FlagSchemas).WithTags("Experiments").WithName("FlagSchemas");
        return api;
    }

    public const int DefaultPageSize = 100;

    public const int MaxPageSize = 1000;

    /// <summary>The largest <c>offset</c>: far beyond any table SkyDeck holds (an offset past the last match is an empty page).</summary>
    public const int MaxOffset = 100_000_000;

    /// <summary>
    /// The table from cached bytes (<see cref="ExperimentListCache"/>), with a strong ETag: a client that sends it back
    /// in <c>If-None-Match</c> gets 304 until something changes. <c>no-cache</c>: caches must ask every time.
    /// With <c>q</c>, <c>sort</c>, <c>limit</c>, <c>after</c> or <c>offset</c> the answer is one page (<see cref="ExperimentPages"/>):
    /// <c>{experiments, next, total}</c>; without them it stays the whole list, exactly as before paging existed.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, ValidationProblem>> List(
        HttpContext http, Experiments experiments, ExperimentListCache cache, ExperimentPages pages, [FromQuery(Name = "include_deleted")] string? includeDeleted,
        [FromQuery] string? sweep, [FromQuery] string? q, [FromQuery] string? sort, [FromQuery] string? limit, [FromQuery] string? after, [FromQuery] string? offset,
        CancellationToken ct)
    {
        var (withDeleted, bad) = QueryParameters.Bool(includeDeleted, "include_deleted");
        if (bad is not null) return bad;
        if (sweep is not null && SweepId.Validate(sweep) is { } badSweep) return Problems.Invalid("sweep", $"'{Display(sweep)}' is not a sweep id: it {badSweep}");
        http.Response.Headers.CacheControl = "no-cache";
        if (q is not null || sort is not null || limit is not null || after is not null || offset is not null)
            return await Page(experiments, cache, pages, withDeleted == true, sweep, q, sort, limit, after, offset, ct);

        var list = await experiments.ListWithRevisionAsync(ct);
        if (sweep is not null)
        {
            // One sweep's cells: a small slice of the table, from the cached rows.
            return TypedResults.Bytes(cache.Rows([.. list.Experiments.Where(s => s.Spec.Sweep == sweep && (withDeleted == true || !s.Deleted))]), JsonContentType);
        }

        var body = await cache.GetAsync(list, withDeleted == true, ct);
        if (CompressionSetup.WantsBrotli(http))
        {
            // Compressed once per change for every remote client (the compression middleware leaves an encoded answer alone).
            http.Response.Headers.ContentEncoding = "br";
            http.Response.Headers.Vary = "Accept-Encoding";
            return TypedResults.Bytes(body.Brotli, JsonContentType, entityTag: body.WeakETag);
        }

        // Answers If-None-Match (and the other preconditions) with 304, and sets ETag and Content-Length.
        return TypedResults.Bytes(body.Bytes, JsonContentType, entityTag: body.ETag);
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> Page(
        Experiments experiments, ExperimentListCache cache, ExperimentPages pages, bool withDeleted, string? sweep,
        string? q, string? sort, string? limit, string? after, string? offset, CancellationToken ct)
    {
        var (size, badLimit) = QueryParameters.Int(limit, "limit", 1, MaxPageSize);
        if (badLimit is not null) return badLimit;
        var (skip, badOffset) = QueryParameters.Int(offset, "offset", 0, MaxOffset);
        if (badOffset is not null) return badOffset;
        if (skip is not null && after is not null) return Problems.Invalid("offset", "cannot be combined with after: a page starts either after a cursor or at an offset");
        if (q is not null && ExperimentFilter.Problem(q) is { } badQuery) return Problems.Invalid("q", badQuery);
        var order = ExperimentSort.Default;
        if (sort is not null)
        {
            var (parsed, badSort) = ExperimentSort.Parse(sort);
            if (parsed is null) return Problems.Invalid("sort", badSort!);
            order = parsed;
        }

        ExperimentSort.Key? position = null;
        if (after is not null)
        {
            var (key, badCursor) = ExperimentPages.ParseCursor(after, order);
            if (key is null) return Problems.Invalid("after", badCursor!);
            position = key;
        }

        var filter = ExperimentFilter.Parse(q);
        var list = await experiments.ListWithRevisionAsync(ct);
        var page = pages.Of(list, order, $"{withDeleted}\n{sweep}\n{q}",
            s => (withDeleted || !s.Deleted) && (sweep is null || s.Spec.Sweep == sweep) && filter.Matches(s),
            position, size ?? DefaultPageSize, skip ?? 0);
        return TypedResults.Bytes(cache.Rows(page.Rows, (page.Next, page.Total)), JsonContentType);
    }

    /// <summary>201 with the experiment; the identical create again is 200 (safe to retry); another spec for the id is 409.</summary>
    public static async Task<CreateAnswer> Create(HttpContext http, Experiments experiments, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } who) return Caller.BadHeader();
        var (body, error) = await JsonBody.ReadObjectAsync(http.Request, ct);
        if (error is not null) return error;

        var read = new FieldReader(body);
        read.RejectUnknown([.. SpecFields.Names, "id", "desired_state"]);
        var id = read.String("id", required: true);
        var desired = read.Desired("desired_state") ?? DesiredState.Stopped;
        var patch = SpecFields.Read(read, creating: true);
        if (!read.IsValid) return Problems.Invalid(read.Errors);

        var result = await experiments.SendAsync(new CreateExperiment(id!, patch.ApplyTo(ExperimentSpec.Defaults(id!)), desired, experiments.Now, who), ct);
        if (!result.IsSuccess) return CommandProblem.From(result, "experiment not found");
        var created = experiments.Costs.Dto(result.Detail!.Summary);
        if (result.Code == ResultCode.Accepted) return TypedResults.Created($"/api/experiments/{id}", created);
        return TypedResults.Ok(created);
    }

    public static async Task<Results<Ok<ExperimentDto>, NotFoundProblem>> Get(string id, Experiments experiments, CancellationToken ct) =>
        await experiments.GetAsync(id, ct) is { } detail ? TypedResults.Ok(experiments.Costs.Dto(detail.Summary)) : NotFound(id);

    /// <summary>Changes the fields the body names (bumps the generation); explicit nulls clear optional fields.</summary>
    public static async Task<ExperimentAnswer> Patch(string id, HttpContext http, Experiments experiments, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } who) return Caller.BadHeader();
        var (body, error) = await JsonBody.ReadObjectAsync(http.Request, ct);
        if (error is not null) return error;

        var read = new FieldReader(body);
        read.RejectUnknown([.. SpecFields.Names, "desired_state"]);
        var desired = read.Desired("desired_state");
        var patch = SpecFields.Read(read, creating: false);
        if (!read.IsValid) return Problems.Invalid(read.Errors);
        return await Command(new PatchExperiment(id, patch, desired, experiments.Now, who), experiments, ct);
    }

    public static Task<ExperimentAnswer> Delete(string id, HttpContext http, Experiments experiments, CancellationToken ct) =>
        Command(id, http, experiments, who => new DeleteExperiment(id, experiments.Now, who), ct);

    public static Task<ExperimentAnswer> Restore(string id, HttpContext http, Experiments experiments, CancellationToken ct) =>
        Command(id, http, experiments, who => new RestoreExperiment(id, experiments.Now, who), ct);

    /// <summary>Run again with the current spec (applies changed flags); see <see cref="RestartRun"/>.</summary>
    public static Task<ExperimentAnswer> Restart(string id, HttpContext http, Experiments experiments, CancellationToken ct) =>
        Command(id, http, experiments, who => new RestartRun(id, experiments.Now, who), ct);

    public static async Task<ExperimentAnswer> SetState(string id, HttpContext http, Experiments experiments, CancellationToken ct)
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
        return await Command(new SetDesiredState(id, desired!.Value, experiments.Now, who, reason), experiments, ct);
    }

    public static async Task<ExperimentAnswer> ReplaceFlags(string id, HttpContext http, Experiments experiments, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } who) return Caller.BadHeader();
        var (body, error) = await JsonBody.ReadObjectAsync(http.Request, ct);
        if (error is not null) return error;
        var read = new FieldReader(body);
        read.RejectUnknown("flags");
        var flags = read.Flags("flags", required: true);
        if (!read.IsValid) return Problems.Invalid(read.Errors);
        return await Command(new PatchExperiment(id, new SpecPatch(Flags: flags), null, experiments.Now, who), experiments, ct);
    }

    public static async Task<Results<Ok<ExperimentStatusDto>, ValidationProblem, NotFoundProblem>> Status(
        string id, Experiments experiments, [FromQuery] string? limit, CancellationToken ct)
    {
        var (take, bad) = QueryParameters.Int(limit, "limit", 1, 1000);
        if (bad is not null) return bad;
        if (await experiments.GetAsync(id, ct) is not { } detail) return NotFound(id);
        var dto = experiments.Costs.Dto(detail.Summary);
        return TypedResults.Ok(new ExperimentStatusDto(dto, dto.CurrentJob, [.. detail.Jobs.Take(take ?? 10).Select(experiments.Costs.Dto)]));
    }

    public static async Task<Results<Ok<JobListDto>, ValidationProblem, NotFoundProblem>> Jobs(
        string id, Experiments experiments, [FromQuery] string? limit, CancellationToken ct)
    {
        var (take, bad) = QueryParameters.Int(limit, "limit", 1, 10_000);
        if (bad is not null) return bad;
        if (await experiments.GetAsync(id, ct) is not { } detail) return NotFound(id);
        return TypedResults.Ok(new JobListDto([.. detail.Jobs.Take(take ?? 100).Select(experiments.Costs.Dto)]));
    }

    /// <summary>The experiment's audit log, in order, read from the journal.</summary>
    public static async Task<Results<Ok<AuditPageDto>, NotFoundProblem>> Events(string id, Experiments experiments, AuditLog audit, CancellationToken ct)
    {
        if (await experiments.GetAsync(id, ct) is null) return NotFound(id);
        var entries = await audit.ForExperimentAsync(id, ct);
        return TypedResults.Ok(new AuditPageDto([.. entries.Select(AuditEntryDto.From)], entries.Count == 0 ? 0 : entries[^1].Cursor));
    }

    /// <summary>The experiment folded from its events up to <paramref name="at"/>.</summary>
    public static async Task<Results<Ok<HistoryDto>, ValidationProblem, NotFoundProblem>> History(
        string id, [FromQuery] string? at, AuditLog audit, SkyDeckOptions options, Experiments experiments, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(at)) return Problems.Invalid("at", "is required: an ISO-8601 time, e.g. 2026-11-28T12:00:00Z");
        if (!DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var moment))
            return Problems.Invalid("at", $"'{FieldReader.DisplayName(at)}' is not an ISO-8601 time");
        if (await experiments.GetAsync(id, ct) is null) return NotFound(id);
        var detail = await audit.AsOfAsync(id, moment, options.Reconcile, ct);
        if (detail is null) return Problems.NotFound($"experiment '{Display(id)}' did not exist at {moment:O}");
        // Costs as they stood then: a job or cluster still up at that moment counts up to it, not to now.
        var costs = experiments.Costs;
        var asOf = moment < costs.Now ? moment : costs.Now;
        return TypedResults.Ok(new HistoryDto(moment, ExperimentDto.From(detail.Summary, costs.Of(detail.Summary, asOf)),
            [.. detail.Jobs.Select(j => JobDto.From(j, costs.Of(j, asOf)))]));
    }

    /// <summary>Every flag key across the experiments, with its types and a few example values.</summary>
    public static async Task<Ok<FlagSchemaListDto>> FlagSchemas(Experiments experiments, CancellationToken ct)
    {
        var list = await experiments.ListAsync(ct);
        var schemas = list
            .Where(s => !s.Deleted)
            .SelectMany(s => s.Spec.Flags)
            .GroupBy(kv => kv.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new FlagSchemaDto(
                g.Key,
                [.. g.Select(kv => kv.Value.Kind.ToString().ToLowerInvariant()).Distinct().Order()],
                [.. g.Select(kv => kv.Value).Distinct().Take(5)],
                g.Count()))
            .ToList();
        return TypedResults.Ok(new FlagSchemaListDto(schemas));
    }

    private static Task<ExperimentAnswer> Command(string id, HttpContext http, Experiments experiments, Func<string, IExperimentCommand> command, CancellationToken ct) =>
        Caller.Of(http) is { } who ? Command(command(who), experiments, ct) : Task.FromResult<ExperimentAnswer>(Caller.BadHeader());

    /// <summary>A command's reply as HTTP: the experiment it left on success, else the ProblemDetails for its failure.</summary>
    private static async Task<ExperimentAnswer> Command(IExperimentCommand command, Experiments experiments, CancellationToken ct)
    {
        var result = await experiments.SendAsync(command, ct);
        if (!result.IsSuccess) return CommandProblem.From(result, "experiment not found");
        return TypedResults.Ok(experiments.Costs.Dto(result.Detail!.Summary));
    }

    private static NotFoundProblem NotFound(string id) => Problems.NotFound($"experiment '{Display(id)}' not found");

    private static string Display(string id) => FieldReader.DisplayName(id);
}
