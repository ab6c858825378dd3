"""A child's photos and documents: upload, list, remove, and the one door their files go out of.

POST /targets/{id}/photos and /targets/{id}/attachments take multipart `file` (and `title`,
`restricted`, `replaces` for a document) and answer 201 with the document, whose `url` serves the
file only to users who may see the child (and, for a restricted document, have the need to know).
"""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from reunite.access.policy import Cap, require
from reunite.access.scoping import get_target_for
from reunite.api.base import ApiView, refusals
from reunite.audit import log
from reunite.documents import services
from reunite.documents.files import ATTACHMENT_TYPES
from reunite.documents.models import Document
from reunite.documents.representation import document_data


class DocumentOut(serializers.Serializer):
    """A photo or document (for the schema; `document_data` builds it)."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(Document.Kind.values)
    restricted = serializers.BooleanField()
    restriction = serializers.CharField(allow_null=True)
    visible = serializers.BooleanField(help_text="false: restricted, your role may not see it")
    title = serializers.CharField(allow_null=True)
    url = serializers.CharField(allow_null=True, help_text="Serves the file to those who may "
                                                           "see it")
    thumbnail_url = serializers.CharField(required=False, allow_null=True)
    content_type = serializers.CharField(required=False)
    size = serializers.IntegerField(required=False)
    sha256 = serializers.CharField(required=False)
    version = serializers.IntegerField(required=False)
    created_at = serializers.DateTimeField()


class PhotoInput(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG, PNG, WebP, GIF, BMP or TIFF; judged by content")


class AttachmentInput(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, an image, DOCX/XLSX/ODT/ODS; judged by content")
    title = serializers.CharField(required=False, allow_blank=True,
                                  help_text="What it is (required for a new document)")
    restricted = serializers.CharField(
        required=False, allow_blank=True,
        help_text="true (child-welfare need to know), false, or a restricted category: "
                  "foster_care, screening_indicators, investigation_details, "
                  "trafficking_indicators")
    replaces = serializers.IntegerField(required=False,
                                        help_text="Id of a document this file is a new version of")


class RemoveInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


def _listing(request, target, kind: str) -> Response:
    documents = [d for d in services.documents_of(target.child_id) if d.kind == kind]
    log.record("document.list", target, child_id=target.child_id,
               operation_id=target.operation_id, changes={"kind": kind, "count": len(documents)})
    return Response([document_data(d, request.user, request) for d in documents])


class PhotosView(ApiView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: DocumentOut(many=True), **refusals(401, 403, 404)},
                   summary="The child's photos (the current one first)")
    def get(self, request, target_id):
        require(request.user, Cap.VIEW_TARGETS)
        return _listing(request, get_target_for(request.user, target_id), Document.Kind.PHOTO)

    @extend_schema(request={"multipart/form-data": PhotoInput},
                   responses={201: DocumentOut, **refusals(400, 401, 403, 404, 413)},
                   summary="Add a photo: re-encoded without EXIF/GPS, with a thumbnail")
    def post(self, request, target_id):
        require(request.user, Cap.LOG_ACTIVITY)
        target = get_target_for(request.user, target_id)
        data = self.shaped(PhotoInput)
        version = services.add_photo(target, data["file"], request.user)
        return Response(document_data(version.document, request.user, request),
                        status=status.HTTP_201_CREATED)


class AttachmentsView(ApiView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: DocumentOut(many=True), **refusals(401, 403, 404)},
                   summary="The child's documents (restricted ones show only that they exist)")
    def get(self, request, target_id):
        require(request.user, Cap.VIEW_TARGETS)
        return _listing(request, get_target_for(request.user, target_id),
                        Document.Kind.ATTACHMENT)

    @extend_schema(request={"multipart/form-data": AttachmentInput},
                   responses={201: DocumentOut, **refusals(400, 401, 403, 404, 413)},
                   summary="Attach a document to the child (kept as sent; versions kept)")
    def post(self, request, target_id):
        require(request.user, Cap.LOG_ACTIVITY)
        target = get_target_for(request.user, target_id)
        data = self.shaped(AttachmentInput)
        replaces = None
        if data.get("replaces") is not None:
            replaces = services.get_document_for(request.user, data["replaces"])
        version = services.add_attachment(
            target, data["file"], request.user, title=data.get("title", ""),
            restricted=data.get("restricted"), replaces=replaces,
        )
        return Response(document_data(version.document, request.user, request),
                        status=status.HTTP_201_CREATED)


class DocumentView(ApiView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(responses={200: DocumentOut, **refusals(401, 403, 404)},
                   summary="One photo or document, with its versions")
    def get(self, request, document_id):
        require(request.user, Cap.VIEW_TARGETS)
        document = services.get_document_for(request.user, document_id)
        if document.removed:
            return Response({"error": "document_removed", "detail": "This document was removed."},
                            status=status.HTTP_404_NOT_FOUND)
        return Response(document_data(document, request.user, request))

    @extend_schema(request=RemoveInput, responses={204: None, **refusals(400, 401, 403, 404)},
                   summary="Remove a photo or document from the child's file (audited)")
    def delete(self, request, document_id):
        document = services.get_document_for(request.user, document_id)
        reason = self.shaped(RemoveInput).get("reason", "")
        services.remove_document(request.user, document, reason)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentFileView(ApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("version", OpenApiTypes.INT, description="Default: the latest"),
            OpenApiParameter("thumbnail", OpenApiTypes.BOOL, description="The photo's thumbnail"),
        ],
        # Every type a stored file can have (a photo's thumbnail is always JPEG).
        responses={**{(200, kind): OpenApiTypes.BINARY for kind in sorted(ATTACHMENT_TYPES)},
                   **refusals(401, 403, 404)},
        summary="The file itself: only for those who may see the child; every read is audited",
    )
    def get(self, request, document_id):
        require(request.user, Cap.VIEW_TARGETS)
        version = services.open_version(request.user, document_id,
                                        request.query_params.get("version"))
        thumbnail = request.query_params.get("thumbnail") in ("1", "true", "yes")
        field = version.thumbnail if thumbnail and version.thumbnail else version.file
        content_type = "image/jpeg" if field is version.thumbnail else version.content_type
        name = f"{version.document.kind}-{version.document.pk}-v{version.number}"
        response = FileResponse(field.open("rb"), content_type=content_type,
                                as_attachment=content_type not in ("image/jpeg", "image/png",
                                                                   "application/pdf"),
                                filename=name + (field.name[field.name.rfind("."):]
                                                 if "." in field.name else ""))
        # A child's photo must not linger in shared caches or the browser's disk cache.
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    def perform_content_negotiation(self, request, force=False):
        return JSONRenderer(), JSONRenderer.media_type
