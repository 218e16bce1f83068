package dev.tuneforge.dataset.files;

import dev.tuneforge.platform.ApiException;
import dev.tuneforge.platform.api.ApiList;
import dev.tuneforge.platform.api.Page;
import dev.tuneforge.platform.auth.Caller;
import dev.tuneforge.platform.auth.Role;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * The OpenAI files API: upload, list, get, download, delete. Every file belongs to the uploading
 * key's team; another team's file answers 404 as if it did not exist. Fine-tuning jobs' result
 * files ({@link ResultFiles}) can be fetched and downloaded too, by the job's team.
 */
@Path("/v1/files")
@Produces(MediaType.APPLICATION_JSON)
public class FilesResource {

  /** Purposes accepted; TuneForge's files are training and evaluation data. */
  static final Set<String> PURPOSES = Set.of("fine-tune", "evals");

  @Inject FileUploads uploads;
  @Inject FileStore files;
  @Inject ResultFiles results;
  @Inject Caller caller;

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  public FileObject upload(@RestForm("file") FileUpload file, @RestForm("purpose") String purpose)
      throws IOException {
    caller.requireRole(Role.TRAINER);
    if (file == null || file.uploadedFile() == null) {
      throw ApiException.invalid(
          "file", "missing form part 'file' (multipart/form-data with the JSONL file)");
    }
    if (purpose == null || purpose.isBlank()) {
      throw ApiException.invalid("purpose", "missing form part 'purpose' (use 'fine-tune')");
    }
    if (!PURPOSES.contains(purpose)) {
      throw ApiException.invalid(
          "purpose", "unsupported purpose '" + purpose + "' (supported: fine-tune, evals)");
    }
    String filename =
        file.fileName() == null || file.fileName().isBlank() ? "upload.jsonl" : file.fileName();
    return uploads.accept(file.uploadedFile(), filename, purpose, caller.team());
  }

  /** The team's files, newest first, paged with {@code after} (a file id) and {@code limit}. */
  @GET
  public ApiList<FileObject> list(
      @QueryParam("after") String after,
      @QueryParam("limit") String limit,
      @QueryParam("purpose") String purpose) {
    caller.requireRole(Role.VIEWER);
    Page page = Page.parse(after, limit);
    var all =
        files.list(caller.team()).stream()
            .filter(f -> purpose == null || purpose.equals(f.purpose()))
            .toList();
    return page.of(all, FileObject::id);
  }

  @GET
  @Path("/{id}")
  public FileObject get(@PathParam("id") String id) {
    caller.requireRole(Role.VIEWER);
    return files
        .find(caller.team(), id)
        .or(() -> results.find(caller.team(), id).map(ResultFiles.Found::file))
        .orElseThrow(() -> noSuchFile(id));
  }

  @GET
  @Path("/{id}/content")
  @Produces(MediaType.WILDCARD) // SDKs ask for application/binary, browsers for */*: always octets
  public Response content(@PathParam("id") String id) {
    caller.requireRole(Role.VIEWER);
    var result = results.find(caller.team(), id);
    FileObject file =
        result
            .map(ResultFiles.Found::file)
            .or(() -> files.find(caller.team(), id))
            .orElseThrow(() -> noSuchFile(id));
    StreamingOutput body =
        out -> {
          try (InputStream in =
              result.isPresent() ? results.open(result.get()) : files.openContent(id)) {
            in.transferTo(out);
          }
        };
    return Response.ok(body, MediaType.APPLICATION_OCTET_STREAM_TYPE)
        .header("Content-Length", file.bytes())
        .header(
            "Content-Disposition",
            "attachment; filename=\"" + file.filename().replace("\"", "") + "\"")
        .build();
  }

  @DELETE
  @Path("/{id}")
  public Map<String, Object> delete(@PathParam("id") String id) {
    caller.requireRole(Role.TRAINER);
    files.find(caller.team(), id).orElseThrow(() -> noSuchFile(id));
    files.delete(id);
    return Map.of("id", id, "object", "file", "deleted", true);
  }

  static ApiException noSuchFile(String id) {
    return ApiException.notFound("file_id", "no file '" + id + "'");
  }
}
