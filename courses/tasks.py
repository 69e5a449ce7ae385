from django_tasks import task

from .embeds import fetch_thumbnail, parse_external_video


@task()
def cache_external_thumbnails(urls: list[str]) -> int:
    """Runs in the background after a lesson is published: no browser ever asks the provider."""
    fetched = 0
    for url in urls:
        video = parse_external_video(url)
        if video is not None and fetch_thumbnail(video):
            fetched += 1
    return fetched
