/*
 * A program using kmm's page allocator under the kernel's names.
 *
 *   cc -Iinclude examples/hello.c -Lbuild -lkmm -Wl,-rpath,$PWD/build -pthread
 */
#include <kmm/kmm.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	struct page *page;
	unsigned long addr;

	if (kmm_init("mem=64M numa=fake=2"))
		return 1;

	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);	/* 4 pages, zeroed */
	if (!page)
		return 1;
	printf("order-2 block at pfn %lu on node %d, zone %s, refcount %d\n",
	       page_to_pfn(page), page_to_nid(page), page_zone(page)->name,
	       page_count(page));
	strcpy(page_address(page), "hello from kmm");
	printf("%s\n", (char *)page_address(page));
	__free_pages(page, 2);

	addr = __get_free_page(GFP_KERNEL);
	printf("virt_to_page(addr) == pfn %lu\n", page_to_pfn(virt_to_page((void *)addr)));
	free_page(addr);

	kmm_proc_show("buddyinfo", stdout);
	kmm_exit();
	return 0;
}
